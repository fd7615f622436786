namespace AlertBroadcaster.Dashboard.Pages;

/// <summary>The NHS.UK tag colour for a status; the status is always written out too, so colour is never the only cue.</summary>
public static class StatusTag
{
    public static string Classes(object status) => "nhsuk-tag " + status.ToString() switch
    {
        "Live" => "nhsuk-tag--green",
        "Scheduled" => "nhsuk-tag--blue",
        "AwaitingApproval" => "nhsuk-tag--purple",
        "Queued" => "nhsuk-tag--yellow",
        "Refused" or "Rejected" => "nhsuk-tag--red",
        _ => "nhsuk-tag--grey",
    };

    /// <summary>A status or kind in words ("AwaitingApproval" → "Awaiting approval", "FaceCoverings" → "Face coverings").</summary>
    public static string Words(object status) => status.ToString() switch
    {
        "PublishedUrgently" => "Published without approval",
        var other => Spaced(other ?? ""),
    };

    private static string Spaced(string pascal)
    {
        var words = new System.Text.StringBuilder(pascal.Length + 4);
        foreach (var c in pascal)
        {
            if (char.IsUpper(c) && words.Length > 0)
            {
                words.Append(' ').Append(char.ToLowerInvariant(c));
            }
            else
            {
                words.Append(c);
            }
        }

        return words.ToString();
    }
}
