using AlertBroadcaster.Channels.Storage;
using AlertBroadcaster.Contracts;
using AlertBroadcaster.ServiceDefaults;
using Microsoft.EntityFrameworkCore;

namespace AlertBroadcaster.Channels.Subscriptions;

/// <summary>
/// Imports lists whose consent the trust already holds: new addresses become Active, known ones
/// get the new preferences. Someone who unsubscribed is never re-subscribed by an import.
/// </summary>
public sealed class SubscriberImport(ChannelsDbContext db, Subscriptions subscriptions, SiteCatalog sites, TimeProvider time)
{
    public async Task<SubscribersImported> ImportAsync(ImportSubscribers command, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var rejected = new List<ImportRejection>();
        var valid = new List<(SubscriberImportRow Row, string Address, List<string> Sites, List<AlertKind> Topics)>();
        foreach (var row in command.Rows)
        {
            if (string.IsNullOrWhiteSpace(row.Email))
            {
                rejected.Add(new(row.Line, string.IsNullOrWhiteSpace(row.Phone)
                    ? "No email address."
                    : "Phone numbers are not imported yet (the SMS channel is not switched on); add an email address."));
                continue;
            }

            if (!Subscriptions.TryNormaliseEmail(row.Email, out var address, out _))
            {
                rejected.Add(new(row.Line, $"'{Shorten(row.Email)}' is not a valid email address."));
                continue;
            }

            var (chosenSites, topics, errors) = subscriptions.ReadChoices(row.Sites.Split(';'), row.Topics.Split(';'));
            if (errors.Count > 0)
            {
                rejected.Add(new(row.Line, string.Join(" ", errors)));
                continue;
            }

            valid.Add((row, address, chosenSites, topics));
        }

        var addresses = valid.Select(v => v.Address).Distinct().ToList();
        var existing = new Dictionary<string, Subscriber>(StringComparer.Ordinal);
        foreach (var chunk in addresses.Chunk(500))
        {
            foreach (var subscriber in await db.Subscribers.Where(s => s.Channel == AlertChannel.Email && chunk.Contains(s.Address)).ToListAsync(cancellationToken))
            {
                existing[subscriber.Address] = subscriber;
            }
        }

        int imported = 0, updated = 0;
        foreach (var (row, address, chosenSites, topics) in valid)
        {
            if (existing.TryGetValue(address, out var subscriber))
            {
                if (subscriber.Status == SubscriberStatus.Unsubscribed)
                {
                    rejected.Add(new(row.Line, $"{address} unsubscribed; an import never subscribes them again."));
                    continue;
                }

                subscriber.Status = SubscriberStatus.Active;
                subscriber.ConsentAt ??= now;
                subscriber.ConfirmationTokenHash = null;
                updated++;
            }
            else
            {
                subscriber = new Subscriber
                {
                    Channel = AlertChannel.Email,
                    Address = address,
                    Status = SubscriberStatus.Active,
                    ConsentAt = now,
                    ConsentSource = $"import:{command.ImportedBy}",
                    CreatedAt = now,
                };
                db.Subscribers.Add(subscriber);
                existing[address] = subscriber;
                imported++;
            }

            subscriber.Sites = Subscriber.Join(chosenSites);
            subscriber.Topics = Subscriber.Join(topics.Select(t => t.ToString()));
            subscriber.UpdatedAt = now;
        }

        await db.SaveChangesAsync(cancellationToken);
        return new SubscribersImported(imported, updated, rejected.OrderBy(r => r.Line).ToList());
    }

    public async Task<SubscriberStats> StatsAsync(CancellationToken cancellationToken)
    {
        var byStatus = await db.Subscribers.GroupBy(s => new { s.Channel, s.Status })
            .Select(g => new { g.Key.Channel, g.Key.Status, Count = g.Count() })
            .ToListAsync(cancellationToken);
        var channels = new List<ChannelSubscribers>();
        foreach (var channel in byStatus.Select(s => s.Channel).Distinct().Order())
        {
            int Of(SubscriberStatus status) => byStatus.FirstOrDefault(s => s.Channel == channel && s.Status == status)?.Count ?? 0;
            var bySite = new Dictionary<string, int>();
            foreach (var site in sites.All)
            {
                var token = $";{site.Slug};";
                bySite[site.Slug] = await db.Subscribers.CountAsync(s => s.Channel == channel && s.Status == SubscriberStatus.Active
                    && (s.Sites == "" || s.Sites.Contains(token)), cancellationToken);
            }

            channels.Add(new ChannelSubscribers(channel, Of(SubscriberStatus.Pending), Of(SubscriberStatus.Active), Of(SubscriberStatus.Unsubscribed), bySite));
        }

        return new SubscriberStats(channels);
    }

    private static string Shorten(string value) => value.Length <= 60 ? value : value[..60] + "…";
}
