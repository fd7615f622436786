using AlertBroadcaster.Contracts;

namespace AlertBroadcaster.Channels.Subscriptions;

/// <summary>
/// One person's subscription on one channel: an email address (this issue) or a mobile number
/// (the SMS issue). A person with both has two rows, each with its own consent and status.
/// </summary>
public sealed class Subscriber
{
    public long Id { get; set; }

    public AlertChannel Channel { get; set; }

    /// <summary>Normalised: an email address with a lower-case domain, or an E.164 number.</summary>
    public required string Address { get; set; }

    /// <summary>Site slugs as <c>;a;b;</c>, empty for every site (a form SQL can match with LIKE).</summary>
    public string Sites { get; set; } = "";

    /// <summary>Alert kinds as <c>;FaceCoverings;</c>, empty for every kind.</summary>
    public string Topics { get; set; } = "";

    public SubscriberStatus Status { get; set; }

    /// <summary>When the person confirmed (or the trust's consent record for imports).</summary>
    public DateTimeOffset? ConsentAt { get; set; }

    /// <summary>Where the consent came from: <c>web</c> or <c>import:{who}</c>.</summary>
    public required string ConsentSource { get; set; }

    /// <summary>SHA-256 of the single-use confirmation token; null once used.</summary>
    public string? ConfirmationTokenHash { get; set; }

    public DateTimeOffset? ConfirmationExpiresAt { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public IReadOnlyList<string> SiteList => Split(Sites);

    public IReadOnlyList<AlertKind> TopicList => Split(Topics).Select(Enum.Parse<AlertKind>).ToList();

    public static string Join(IEnumerable<string> values)
    {
        var distinct = values.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        return distinct.Count == 0 ? "" : $";{string.Join(';', distinct)};";
    }

    private static List<string> Split(string joined) => joined.Split(';', StringSplitOptions.RemoveEmptyEntries).ToList();
}

public enum SubscriberStatus
{
    /// <summary>Asked to subscribe; waiting for the confirmation link (double opt-in).</summary>
    Pending,
    Active,
    Unsubscribed,
}
