using System.Security.Claims;
using AlertBroadcaster.Contracts;
using AlertBroadcaster.Dashboard.Audit;
using AlertBroadcaster.Dashboard.Identity;
using Microsoft.EntityFrameworkCore;

namespace AlertBroadcaster.Dashboard.Alerts;

/// <summary>
/// A starting point for a common kind of alert: the create form filled in with wording that has
/// been checked once, calmly. Stored in the Dashboard's database; Admins edit them.
/// </summary>
public sealed class AlertTemplate
{
    /// <summary>In the create page's address: <c>/Alerts/Create?template=face-coverings</c>.</summary>
    public required string Key { get; set; }

    public required string Name { get; set; }

    public AlertKind Kind { get; set; }

    public AlertSeverity Severity { get; set; }

    public required string Headline { get; set; }

    public string Body { get; set; } = "";

    public string? SmsText { get; set; }

    /// <summary><c>banner;email</c>.</summary>
    public string Channels { get; set; } = "banner";

    public string? UpdatedBy { get; set; }

    public DateTimeOffset? UpdatedAt { get; set; }

    public IReadOnlyList<string> ChannelList => Channels.Split(';', StringSplitOptions.RemoveEmptyEntries);
}

/// <summary>The templates offered on the create page, and Admins' changes to them (audited).</summary>
public sealed class AlertTemplates(DashboardDbContext db, AuditLog audit, TimeProvider time)
{
    /// <summary>The templates a new installation starts with (seeded by the migration that made the table).</summary>
    public static readonly IReadOnlyList<AlertTemplate> Defaults =
    [
        new()
        {
            Key = "visiting-restrictions", Name = "Visiting restrictions", Kind = AlertKind.VisitingRestrictions, Severity = AlertSeverity.Warning,
            Headline = "Visiting is restricted on our wards",
            Body = """
                To protect patients, **one visitor per patient** may visit between 2pm and 8pm.

                - Please do not visit if you have had a cough, a high temperature, or sickness or diarrhoea in the last 48 hours
                - Children under 16 may visit only when the ward has agreed it

                Thank you for helping us keep patients safe.
                """,
            SmsText = "Visiting at our hospitals is restricted: one visitor per patient, 2pm to 8pm. Please do not visit if you are unwell.",
            Channels = "banner;email",
        },
        new()
        {
            Key = "face-coverings", Name = "Face coverings", Kind = AlertKind.FaceCoverings, Severity = AlertSeverity.Warning,
            Headline = "Please wear a face covering in our hospitals",
            Body = """
                Patients and visitors must wear a face covering in all clinical areas, unless exempt.

                Face coverings are available at every entrance. Staff may ask you to put one on.
                """,
            SmsText = "Please wear a face covering in all clinical areas of our hospitals unless exempt. Coverings are at every entrance.",
            Channels = "banner;email",
        },
        new()
        {
            Key = "recruitment-closed", Name = "Study closed to recruitment", Kind = AlertKind.RecruitmentClosed, Severity = AlertSeverity.Info,
            Headline = "The 100,000 Genomes Project has now closed to recruitment",
            Body = """
                Thank you to everyone who took part. We are no longer recruiting new participants.

                If you are already taking part, nothing changes: your care team will contact you about your results.
                """,
            Channels = "banner",
        },
    ];

    public async Task<IReadOnlyList<AlertTemplate>> ListAsync(CancellationToken cancellationToken) =>
        await db.AlertTemplates.AsNoTracking().OrderBy(t => t.Name).ToListAsync(cancellationToken);

    public async Task<AlertTemplate?> FindAsync(string? key, CancellationToken cancellationToken) =>
        string.IsNullOrWhiteSpace(key) ? null : await db.AlertTemplates.AsNoTracking().FirstOrDefaultAsync(t => t.Key == key.ToLowerInvariant(), cancellationToken);

    /// <summary>Adds or replaces a template; the key is made from the name for a new one.</summary>
    public async Task<AlertTemplate> SaveAsync(string? key, AlertTemplate changed, ClaimsPrincipal admin, CancellationToken cancellationToken)
    {
        var existing = key is null ? null : await db.AlertTemplates.FirstOrDefaultAsync(t => t.Key == key, cancellationToken);
        var before = existing is null ? null : new { existing.Name, existing.Headline, existing.Body, existing.SmsText, existing.Channels };
        var template = existing ?? new AlertTemplate { Key = await NewKeyAsync(changed.Name, cancellationToken), Name = "", Headline = "" };
        template.Name = changed.Name.Trim();
        template.Kind = changed.Kind;
        template.Severity = changed.Severity;
        template.Headline = changed.Headline.Trim();
        template.Body = changed.Body;
        template.SmsText = string.IsNullOrWhiteSpace(changed.SmsText) ? null : changed.SmsText;
        template.Channels = changed.Channels;
        template.UpdatedBy = AuditLog.ActorOf(admin);
        template.UpdatedAt = time.GetUtcNow();
        if (existing is null)
        {
            db.AlertTemplates.Add(template);
        }

        audit.Add(admin, AuditActions.TemplateChanged, template.Name, before: before, after: new { template.Name, template.Headline, template.Body, template.SmsText, template.Channels });
        await db.SaveChangesAsync(cancellationToken);
        return template;
    }

    public async Task DeleteAsync(string key, ClaimsPrincipal admin, CancellationToken cancellationToken)
    {
        if (await db.AlertTemplates.FirstOrDefaultAsync(t => t.Key == key, cancellationToken) is { } template)
        {
            db.AlertTemplates.Remove(template);
            audit.Add(admin, AuditActions.TemplateChanged, $"{template.Name} deleted", before: new { template.Name, template.Headline, template.Body });
            await db.SaveChangesAsync(cancellationToken);
        }
    }

    private async Task<string> NewKeyAsync(string name, CancellationToken cancellationToken)
    {
        var slug = string.Join('-', new string(name.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : ' ').ToArray())
            .Split(' ', StringSplitOptions.RemoveEmptyEntries));
        slug = slug.Length == 0 ? "template" : slug[..Math.Min(slug.Length, 60)];
        var key = slug;
        for (var n = 2; await db.AlertTemplates.AnyAsync(t => t.Key == key, cancellationToken); n++)
        {
            key = $"{slug}-{n}";
        }

        return key;
    }
}
