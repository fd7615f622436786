using AlertBroadcaster.Channels.Email;
using Hangfire;
using Microsoft.Extensions.Options;

namespace AlertBroadcaster.Channels.Subscriptions;

/// <summary>Sends the double opt-in link; Hangfire retries it while the mail server is away.</summary>
public sealed class ConfirmationEmailJob(
    Subscriptions subscriptions, IEmailTransport transport, IOptions<EmailOptions> options, TimeProvider time, ILogger<ConfirmationEmailJob> logger)
{
    [Queue(DeliveryQueues.Default)]
    [AutomaticRetry(Attempts = 10, DelaysInSeconds = [1, 2, 5, 10, 30, 60, 120, 300, 600, 1800])]
    public async Task SendAsync(long subscriberId, string token, CancellationToken cancellationToken)
    {
        if (await subscriptions.FindAsync(subscriberId, cancellationToken) is not { Status: SubscriberStatus.Pending } subscriber
            || subscriber.ConfirmationTokenHash != SubscriberTokens.Hash(token))
        {
            return; // Confirmed, unsubscribed or asked again since: this link is no longer the one.
        }

        var settings = new AlertEmailSettings(options.Value.From, options.Value.FromName, AlertEmailCache.MessageIdDomain(options.Value.From));
        using var message = SubscriptionEmail.Confirmation(subscriber.Address, options.Value.Link($"subscribe/confirm?token={token}"), settings, time.GetUtcNow());
        await using var session = await transport.OpenAsync(cancellationToken);
        await session.SendAsync(message, cancellationToken);
        logger.LogInformation("Confirmation email sent to subscriber {SubscriberId}", subscriberId);
    }
}
