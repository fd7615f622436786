using AlertBroadcaster.Contracts;

namespace AlertBroadcaster.Dashboard.Alerts;

/// <summary>A starting point for a common kind of alert: the create form filled in with wording that has been checked once, calmly.</summary>
public sealed record AlertTemplate(
    string Key,
    string Name,
    AlertKind Kind,
    AlertSeverity Severity,
    string Headline,
    string Body,
    string? SmsText,
    IReadOnlyList<string> Channels);

/// <summary>
/// The templates offered on the create page (<c>/Alerts/Create?template=face-coverings</c>). Built in
/// for now; Admin editing comes with the Dashboard's template admin page.
/// </summary>
public static class AlertTemplates
{
    public static readonly IReadOnlyList<AlertTemplate> All =
    [
        new("visiting-restrictions", "Visiting restrictions", AlertKind.VisitingRestrictions, AlertSeverity.Warning,
            "Visiting is restricted on our wards",
            """
            To protect patients, **one visitor per patient** may visit between 2pm and 8pm.

            - Please do not visit if you have had a cough, a high temperature, or sickness or diarrhoea in the last 48 hours
            - Children under 16 may visit only when the ward has agreed it

            Thank you for helping us keep patients safe.
            """,
            "Visiting at our hospitals is restricted: one visitor per patient, 2pm to 8pm. Please do not visit if you are unwell.",
            ["banner", "email"]),
        new("face-coverings", "Face coverings", AlertKind.FaceCoverings, AlertSeverity.Warning,
            "Please wear a face covering in our hospitals",
            """
            Patients and visitors must wear a face covering in all clinical areas, unless exempt.

            Face coverings are available at every entrance. Staff may ask you to put one on.
            """,
            "Please wear a face covering in all clinical areas of our hospitals unless exempt. Coverings are at every entrance.",
            ["banner", "email"]),
        new("recruitment-closed", "Study closed to recruitment", AlertKind.RecruitmentClosed, AlertSeverity.Info,
            "The 100,000 Genomes Project has now closed to recruitment",
            """
            Thank you to everyone who took part. We are no longer recruiting new participants.

            If you are already taking part, nothing changes: your care team will contact you about your results.
            """,
            null,
            ["banner"]),
    ];

    public static AlertTemplate? Find(string? key) => All.FirstOrDefault(t => string.Equals(t.Key, key, StringComparison.OrdinalIgnoreCase));
}
