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

    /// <summary>A status in words ("AwaitingApproval" → "Awaiting approval").</summary>
    public static string Words(object status) => status.ToString() switch
    {
        "AwaitingApproval" => "Awaiting approval",
        "PublishedUrgently" => "Published without approval",
        var other => other ?? "",
    };
}
