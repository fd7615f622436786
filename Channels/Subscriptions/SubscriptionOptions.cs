namespace AlertBroadcaster.Channels.Subscriptions;

/// <summary>The <c>Subscriptions</c> section.</summary>
public sealed class SubscriptionOptions
{
    public const string Section = "Subscriptions";

    /// <summary>
    /// Key for the manage/unsubscribe link tokens (32+ random characters). Unset: a random key is
    /// created once and kept in the Channels database. Changing it breaks links in emails already sent.
    /// </summary>
    public string? TokenKey { get; set; }

    /// <summary>How long a confirmation link works.</summary>
    public TimeSpan ConfirmationLifetime { get; set; } = TimeSpan.FromHours(48);

    /// <summary>
    /// Subscribe requests (each sends an email) allowed from one address per quarter hour. Raise it
    /// when many people share one address (a hospital's guest wifi behind one NAT).
    /// </summary>
    public int RequestsPerAddressPer15Minutes { get; set; } = SubscribeRateLimit.PermitsPerWindow;
}
