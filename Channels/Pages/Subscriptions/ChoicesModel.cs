using AlertBroadcaster.Contracts;
using AlertBroadcaster.ServiceDefaults;

namespace AlertBroadcaster.Channels.Pages.Subscriptions;

/// <summary>The sites and kinds checkboxes shared by the subscribe and manage pages.</summary>
public sealed record ChoicesModel(SiteCatalog Sites, IReadOnlyCollection<string> ChosenSites, IReadOnlyCollection<string> ChosenTopics)
{
    public static string Describe(AlertKind kind) => kind switch
    {
        AlertKind.VisitingRestrictions => "Visiting restrictions",
        AlertKind.FaceCoverings => "Face coverings",
        AlertKind.RecruitmentClosed => "Research studies closing to recruitment",
        _ => "General news and service changes",
    };
}
