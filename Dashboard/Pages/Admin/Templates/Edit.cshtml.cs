using AlertBroadcaster.Broadcaster.Lifecycle;
using AlertBroadcaster.Contracts;
using AlertBroadcaster.Dashboard.Alerts;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AlertBroadcaster.Dashboard.Pages.Admin.Templates;

/// <summary>Adds or changes a template (Admins only); the wording is checked by the same rules as an alert.</summary>
public sealed class EditModel(AlertTemplates templates, AlertValidator validator, TimeProvider time) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Key { get; set; }

    [BindProperty]
    public string? Name { get; set; }

    [BindProperty]
    public AlertKind Kind { get; set; }

    [BindProperty]
    public AlertSeverity Severity { get; set; } = AlertSeverity.Info;

    [BindProperty]
    public string? Headline { get; set; }

    [BindProperty]
    public string? Body { get; set; }

    [BindProperty]
    public string? SmsText { get; set; }

    [BindProperty]
    public List<string> Channels { get; set; } = ["banner"];

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (Key is null)
        {
            return Page();
        }

        if (await templates.FindAsync(Key, cancellationToken) is not { } template)
        {
            return NotFound();
        }

        (Name, Kind, Severity, Headline, Body, SmsText, Channels) =
            (template.Name, template.Kind, template.Severity, template.Headline, template.Body, template.SmsText, [.. template.ChannelList]);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(Name) || Name.Trim().Length > 60)
        {
            ModelState.AddModelError(nameof(Name), "Give the template a name of up to 60 characters, as authors will see it.");
        }

        var channels = Channels.Select(c => Enum.TryParse<AlertChannel>(c, ignoreCase: true, out var channel) ? channel : (AlertChannel)(-1)).ToList();
        // The same rules as an alert, so a template never starts an author off with something the Broadcaster would refuse.
        var errors = validator.Validate(new AlertContent
        {
            Kind = Kind,
            Severity = Severity,
            Headline = Headline ?? "",
            Body = Body ?? "",
            SmsText = SmsText,
            Channels = channels,
            EffectiveFrom = time.GetUtcNow(),
        });
        foreach (var (field, messages) in errors)
        {
            var property = field switch { "body" => nameof(Body), "smsText" => nameof(SmsText), "channels" => nameof(Channels), _ => nameof(Headline) };
            foreach (var message in messages)
            {
                ModelState.AddModelError(property, message);
            }
        }

        if (!ModelState.IsValid)
        {
            return Page();
        }

        var saved = await templates.SaveAsync(Key, new AlertTemplate
        {
            Key = Key ?? "",
            Name = Name!,
            Kind = Kind,
            Severity = Severity,
            Headline = Headline!,
            Body = Body ?? "",
            SmsText = SmsText,
            Channels = string.Join(';', channels.Select(c => c.ToString().ToLowerInvariant())),
        }, User, cancellationToken);
        return Redirect($"/Alerts/Create?template={saved.Key}");
    }

    public async Task<IActionResult> OnPostDeleteAsync(CancellationToken cancellationToken)
    {
        if (Key is not null)
        {
            await templates.DeleteAsync(Key, User, cancellationToken);
        }

        return Redirect("/Admin/Templates");
    }
}
