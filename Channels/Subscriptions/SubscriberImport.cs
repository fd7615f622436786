using AlertBroadcaster.Channels.Sms;
using AlertBroadcaster.Channels.Storage;
using AlertBroadcaster.Contracts;
using AlertBroadcaster.ServiceDefaults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AlertBroadcaster.Channels.Subscriptions;

/// <summary>
/// Imports lists whose consent the trust already holds: new addresses become Active, known ones
/// get the new preferences. Someone who unsubscribed is never re-subscribed by an import.
/// </summary>
public sealed class SubscriberImport(ChannelsDbContext db, Subscriptions subscriptions, SiteCatalog sites, IOptions<SmsOptions> sms, ImportMemory memory, TimeProvider time)
{
    private readonly PhoneNumberRules _phones = new(sms.Value.EffectiveRegions);

    /// <summary>
    /// A line may carry an email address, a mobile number or both (one subscription each). A line
    /// with anything wrong is rejected whole, with the reason, so it can be fixed and imported again.
    /// </summary>
    public async Task<SubscribersImported> ImportAsync(ImportSubscribers command, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var rejected = new List<ImportRejection>();
        var valid = new List<(SubscriberImportRow Row, AlertChannel Channel, string Address, List<string> Sites, List<AlertKind> Topics)>();
        foreach (var row in command.Rows)
        {
            var problems = new List<string>();
            var addresses = new List<(AlertChannel, string)>();
            if (string.IsNullOrWhiteSpace(row.Email) && string.IsNullOrWhiteSpace(row.Phone))
            {
                problems.Add("No email address or mobile number.");
            }

            if (!string.IsNullOrWhiteSpace(row.Email))
            {
                if (Subscriptions.TryNormaliseEmail(row.Email, out var address, out _))
                {
                    addresses.Add((AlertChannel.Email, address));
                }
                else
                {
                    problems.Add($"'{Shorten(row.Email)}' is not a valid email address.");
                }
            }

            if (!string.IsNullOrWhiteSpace(row.Phone))
            {
                if (_phones.TryNormalise(row.Phone, out var number, out var reason))
                {
                    addresses.Add((AlertChannel.Sms, number));
                }
                else
                {
                    problems.Add($"'{Shorten(row.Phone)}': {reason}");
                }
            }

            var (chosenSites, topics, errors) = subscriptions.ReadChoices(row.Sites.Split(';'), row.Topics.Split(';'));
            problems.AddRange(errors);
            if (problems.Count > 0)
            {
                rejected.Add(new(row.Line, string.Join(" ", problems)));
                continue;
            }

            valid.AddRange(addresses.Select(a => (row, a.Item1, a.Item2, chosenSites, topics)));
        }

        var existing = new Dictionary<(AlertChannel, string), Subscriber>();
        foreach (var channel in valid.Select(v => v.Channel).Distinct())
        {
            foreach (var chunk in valid.Where(v => v.Channel == channel).Select(v => v.Address).Distinct().Chunk(500))
            {
                foreach (var subscriber in await db.Subscribers.Where(s => s.Channel == channel && chunk.Contains(s.Address)).ToListAsync(cancellationToken))
                {
                    existing[(channel, subscriber.Address)] = subscriber;
                }
            }
        }

        int imported = 0, updated = 0;
        foreach (var (row, channel, address, chosenSites, topics) in valid)
        {
            if (existing.TryGetValue((channel, address), out var subscriber))
            {
                if (subscriber.Status == SubscriberStatus.Unsubscribed)
                {
                    rejected.Add(new(row.Line, $"{(channel == AlertChannel.Sms ? "The mobile number" : address)} unsubscribed; an import never subscribes them again."));
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
                    Channel = channel,
                    Address = address,
                    Status = SubscriberStatus.Active,
                    ConsentAt = now,
                    ConsentSource = $"import:{command.ImportedBy}",
                    CreatedAt = now,
                };
                db.Subscribers.Add(subscriber);
                existing[(channel, address)] = subscriber;
                imported++;
            }

            subscriber.Sites = Subscriber.Join(chosenSites);
            subscriber.Topics = Subscriber.Join(topics.Select(t => t.ToString()));
            subscriber.UpdatedAt = now;
        }

        await db.SaveChangesAsync(cancellationToken);
        memory.ChunkImported();
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

            var byTopic = new Dictionary<string, int>();
            foreach (var kind in Enum.GetValues<AlertKind>())
            {
                var token = $";{kind};";
                byTopic[kind.ToString()] = await db.Subscribers.CountAsync(s => s.Channel == channel && s.Status == SubscriberStatus.Active
                    && (s.Topics == "" || s.Topics.Contains(token)), cancellationToken);
            }

            channels.Add(new ChannelSubscribers(channel, Of(SubscriberStatus.Pending), Of(SubscriberStatus.Active), Of(SubscriberStatus.Unsubscribed), bySite, byTopic));
        }

        return new SubscriberStats(channels);
    }

    private static string Shorten(string value) => value.Length <= 60 ? value : value[..60] + "…";
}
