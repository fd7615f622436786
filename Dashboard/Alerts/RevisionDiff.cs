using AlertBroadcaster.Contracts;
using AlertBroadcaster.ServiceDefaults;

namespace AlertBroadcaster.Dashboard.Alerts;

/// <summary>What a change to an alert changes, field by field, in the words the pages use.</summary>
public static class RevisionDiff
{
    public sealed record Change(string Field, string Before, string After);

    public static IReadOnlyList<Change> Between(AlertContent before, AlertContent after, SiteCatalog sites)
    {
        var fields = new (string Field, Func<AlertContent, string> Show)[]
        {
            ("Kind", c => c.Kind.ToString()),
            ("Severity", c => c.Severity.ToString()),
            ("Headline", c => c.Headline),
            ("Details", c => c.Body),
            ("Link", c => c.Link is { } link ? $"{link.Text} ({link.Url})" : "None"),
            ("Text message", c => c.SmsText ?? "The headline"),
            ("Channels", c => string.Join(", ", c.Channels)),
            ("Sites", c => c.Sites.Count == 0 ? "Every site" : string.Join(", ", c.Sites.Select(sites.NameOf))),
            ("Pages", c => c.Paths.Count == 0 ? "Every page" : string.Join(", ", c.Paths)),
            ("Starts", c => LondonTime.Format(c.EffectiveFrom)),
            ("Ends", c => LondonTime.Format(c.ExpiresAt)),
        };
        return fields
            .Select(f => new Change(f.Field, f.Show(before), f.Show(after)))
            .Where(c => c.Before != c.After)
            .ToList();
    }
}
