namespace AlertBroadcaster.Dashboard.Pages;

/// <summary>The NHS.UK tag colour for a status; the status is always written out too, so colour is never the only cue.</summary>
public static class StatusTag
{
    public static string Classes(object status) => "nhsuk-tag " + status.ToString() switch
    {
        "Live" => "nhsuk-tag--green",
        "Scheduled" or "AwaitingApproval" => "nhsuk-tag--blue",
        "Queued" => "nhsuk-tag--yellow",
        "Refused" => "nhsuk-tag--red",
        _ => "nhsuk-tag--grey",
    };
}
