using System.Globalization;
using AlertBroadcaster.Channels.Storage;
using AlertBroadcaster.Contracts;
using AlertBroadcaster.ServiceDefaults;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MimeKit;

namespace AlertBroadcaster.Channels.Subscriptions;

/// <summary>
/// Email subscriptions: double opt-in, preferences, unsubscribe. Pages and the import API call
/// this; nothing here reveals whether an address is already subscribed.
/// </summary>
public sealed class Subscriptions(
    ChannelsDbContext db, IBackgroundJobClient jobs, SiteCatalog sites, IOptions<SubscriptionOptions> options, TimeProvider time)
{
    public const int MaxEmailLength = 254;

    /// <summary>One plain address (no name, no list), checked with MimeKit's parser; the domain lower-cased.</summary>
    public static bool TryNormaliseEmail(string? input, out string address, out string error)
    {
        address = "";
        var trimmed = input?.Trim() ?? "";
        if (trimmed.Length == 0)
        {
            error = "Enter your email address.";
            return false;
        }

        // No control or invisible formatting characters (a U+202E or U+200B makes an address that
        // looks like someone else's), and no quoted local part ("<script>"@example.com is valid
        // RFC 5322 that no person uses).
        if (trimmed.Length > MaxEmailLength || trimmed.Any(c => char.IsControl(c) || CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.Format)
            || trimmed.Contains(' ', StringComparison.Ordinal) || trimmed.Contains('"', StringComparison.Ordinal)
            || !MailboxAddress.TryParse(ParserOptions.Default, trimmed, out var mailbox)
            || mailbox.Address != trimmed
            || mailbox.LocalPart.Length == 0
            || !mailbox.Domain.Contains('.', StringComparison.Ordinal)
            || mailbox.Domain.StartsWith('.') || mailbox.Domain.EndsWith('.'))
        {
            error = "Enter an email address in the correct format, like name@example.com.";
            return false;
        }

        address = $"{mailbox.LocalPart}@{mailbox.Domain.ToLowerInvariant()}";
        error = "";
        return true;
    }

    /// <summary>Sites that exist, kinds that exist; unknown ones are errors for the caller to show.</summary>
    public (List<string> Sites, List<AlertKind> Topics, List<string> Errors) ReadChoices(IEnumerable<string> siteSlugs, IEnumerable<string> topicNames)
    {
        var errors = new List<string>();
        var chosenSites = new List<string>();
        foreach (var slug in siteSlugs.Select(s => s.Trim()).Where(s => s.Length > 0))
        {
            if (sites.Contains(slug))
            {
                chosenSites.Add(slug);
            }
            else
            {
                errors.Add($"Unknown site '{slug}'. Use one of: {string.Join(", ", sites.All.Select(s => s.Slug))}.");
            }
        }

        var topics = new List<AlertKind>();
        foreach (var name in topicNames.Select(t => t.Trim()).Where(t => t.Length > 0))
        {
            if (Enum.TryParse<AlertKind>(name, ignoreCase: true, out var kind) && Enum.IsDefined(kind) && !int.TryParse(name, out _))
            {
                topics.Add(kind);
            }
            else
            {
                errors.Add($"Unknown topic '{name}'. Use one of: {string.Join(", ", Enum.GetNames<AlertKind>())}.");
            }
        }

        return (chosenSites, topics, errors);
    }

    /// <summary>
    /// Asks for confirmation by email. A new, pending or unsubscribed address gets a fresh link; an
    /// active one is left as it is (its preferences change through the link in any alert email).
    /// </summary>
    public async Task SubscribeByEmailAsync(string address, IReadOnlyCollection<string> siteSlugs, IReadOnlyCollection<AlertKind> topics, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var subscriber = await db.Subscribers.SingleOrDefaultAsync(s => s.Channel == AlertChannel.Email && s.Address == address, cancellationToken);
        if (subscriber?.Status == SubscriberStatus.Active)
        {
            return;
        }

        if (subscriber is null)
        {
            subscriber = new Subscriber { Channel = AlertChannel.Email, Address = address, ConsentSource = "web", CreatedAt = now };
            db.Subscribers.Add(subscriber);
        }

        var token = SubscriberTokens.NewConfirmationToken();
        subscriber.Sites = Subscriber.Join(siteSlugs);
        subscriber.Topics = Subscriber.Join(topics.Select(t => t.ToString()));
        subscriber.Status = SubscriberStatus.Pending;
        subscriber.ConsentSource = "web";
        subscriber.ConfirmationTokenHash = SubscriberTokens.Hash(token);
        subscriber.ConfirmationExpiresAt = now + options.Value.ConfirmationLifetime;
        subscriber.UpdatedAt = now;
        await db.SaveChangesAsync(cancellationToken);
        jobs.Enqueue<ConfirmationEmailJob>(job => job.SendAsync(subscriber.Id, token, CancellationToken.None));
    }

    public async Task<ConfirmationResult> ConfirmAsync(string? token, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(token))
        {
            return ConfirmationResult.Invalid;
        }

        var hash = SubscriberTokens.Hash(token);
        var subscriber = await db.Subscribers.SingleOrDefaultAsync(s => s.ConfirmationTokenHash == hash, cancellationToken);
        if (subscriber is null)
        {
            return ConfirmationResult.Invalid;
        }

        var now = time.GetUtcNow();
        if (subscriber.ConfirmationExpiresAt < now)
        {
            return ConfirmationResult.Expired;
        }

        subscriber.Status = SubscriberStatus.Active;
        subscriber.ConsentAt = now;
        subscriber.ConfirmationTokenHash = null;
        subscriber.ConfirmationExpiresAt = null;
        subscriber.UpdatedAt = now;
        await db.SaveChangesAsync(cancellationToken);
        return ConfirmationResult.Confirmed;
    }

    public Task<Subscriber?> FindAsync(long id, CancellationToken cancellationToken) =>
        db.Subscribers.SingleOrDefaultAsync(s => s.Id == id, cancellationToken);

    public async Task UpdatePreferencesAsync(long id, IReadOnlyCollection<string> siteSlugs, IReadOnlyCollection<AlertKind> topics, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await db.Subscribers.Where(s => s.Id == id).ExecuteUpdateAsync(u => u
            .SetProperty(s => s.Sites, Subscriber.Join(siteSlugs))
            .SetProperty(s => s.Topics, Subscriber.Join(topics.Select(t => t.ToString())))
            .SetProperty(s => s.UpdatedAt, now), cancellationToken);
    }

    /// <summary>At once and for good (until they subscribe again); later batches skip them.</summary>
    public async Task UnsubscribeAsync(long id, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await db.Subscribers.Where(s => s.Id == id).ExecuteUpdateAsync(u => u
            .SetProperty(s => s.Status, SubscriberStatus.Unsubscribed)
            .SetProperty(s => s.ConfirmationTokenHash, (string?)null)
            .SetProperty(s => s.UpdatedAt, now), cancellationToken);
    }
}

public enum ConfirmationResult
{
    Confirmed,
    Invalid,
    Expired,
}
