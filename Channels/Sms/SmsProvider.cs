namespace AlertBroadcaster.Channels.Sms;

/// <summary>One text to one number. <paramref name="Reference"/> is ours (the delivery), echoed in receipts where the provider allows.</summary>
public sealed record SmsMessage(string To, string Body, string Reference);

/// <summary>The provider accepted the message; <paramref name="ProviderMessageId"/> is what its receipts will name.</summary>
public sealed record SmsAccepted(string Provider, string ProviderMessageId);

/// <summary>A texting service behind one interface (<c>Sms:Provider</c>, <c>Sms:Fallback</c>).</summary>
public interface ISmsProvider
{
    SmsProviderName Name { get; }

    /// <summary>
    /// Throws <see cref="SmsTemporaryException"/> when the provider did not take the message but may
    /// later (429, 5xx, no connection) and <see cref="SmsRefusedException"/> when it never will for
    /// this number (invalid, blocked, opted out at the carrier).
    /// </summary>
    Task<SmsAccepted> SendAsync(SmsMessage message, CancellationToken cancellationToken);

    /// <summary>
    /// Readies the path to the provider (code compiled, a connection open) without sending
    /// anything, so the first real requests leave when their rate slot says and not all at once.
    /// </summary>
    Task WarmUpAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>
/// Not taken this time: retry after <see cref="RetryAfter"/> (the provider's Retry-After when it gave one).
/// A 429 is <see cref="RateLimited"/>: "slow down", not "broken", so it never opens the circuit.</summary>
public sealed class SmsTemporaryException(SmsProviderName provider, string message, TimeSpan? retryAfter = null, Exception? inner = null, bool rateLimited = false)
    : Exception($"{provider}: {message}", inner)
{
    public SmsProviderName Provider { get; } = provider;

    public TimeSpan? RetryAfter { get; } = retryAfter;

    public bool RateLimited { get; } = rateLimited;
}

/// <summary>Refused for good for this recipient: recorded as failed, not retried.</summary>
public sealed class SmsRefusedException(SmsProviderName provider, string reason) : Exception($"{provider}: {reason}")
{
    public string Reason { get; } = reason;
}
