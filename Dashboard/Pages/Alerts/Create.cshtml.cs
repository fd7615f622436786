using AlertBroadcaster.Broadcaster.Lifecycle;
using AlertBroadcaster.Channels.Deliveries;
using AlertBroadcaster.Contracts;
using AlertBroadcaster.Dashboard.Alerts;
using AlertBroadcaster.Dashboard.Approval;
using AlertBroadcaster.Dashboard.Audit;
using AlertBroadcaster.ServiceDefaults;
using MassTransit;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace AlertBroadcaster.Dashboard.Pages.Alerts;

public sealed class CreateModel(
    AlertAuthoring authoring,
    Approvals approvals,
    AlertsClient alerts,
    QueuedAlerts queue,
    AlertValidator validator,
    AlertTemplates templates,
    SiteCatalog sites,
    IOptions<SmsTextOptions> sms,
    TimeProvider time) : PageModel
{
    /// <summary>Validator field names (the API's JSON names) → this form's fields.</summary>
    private static readonly Dictionary<string, string> FormFields = new()
    {
        ["kind"] = nameof(AlertForm.Kind),
        ["severity"] = nameof(AlertForm.Severity),
        ["headline"] = nameof(AlertForm.Headline),
        ["body"] = nameof(AlertForm.Body),
        ["link.text"] = nameof(AlertForm.LinkText),
        ["link.url"] = nameof(AlertForm.LinkUrl),
        ["sites"] = nameof(AlertForm.Sites),
        ["channels"] = nameof(AlertForm.Channels),
        ["smsText"] = nameof(AlertForm.SmsText),
        ["paths"] = nameof(AlertForm.Paths),
        ["effectiveFrom"] = nameof(AlertForm.EffectiveFrom),
        ["expiresAt"] = nameof(AlertForm.ExpiresAt),
    };

    [BindProperty]
    public AlertForm Input { get; set; } = new();

    /// <summary>Whether this user's alert waits for a second person (the button says so).</summary>
    public bool NeedsApproval => approvals.IsRequiredFor(User);

    /// <summary>Admins may publish a new alert without approval in an emergency, giving a reason.</summary>
    public bool MayPublishUrgently => NeedsApproval && Editing is null && User.IsInRole(Identity.Roles.Admin);

    /// <summary>Set when the page changes a published alert (<c>?edit={id}</c>) instead of creating one.</summary>
    [BindProperty(SupportsGet = true, Name = "edit")]
    public Guid? Editing { get; set; }

    /// <summary>The alert being changed, as it is now.</summary>
    public AlertDetails? Current { get; private set; }

    public SiteCatalog Sites => sites;

    public string SmsHint => sms.Value.OptOutHint;

    public int SmsMaxSegments => sms.Value.MaxSegments;

    /// <summary>How many parts the text as written would take (after a post; the page's script keeps it current as you type).</summary>
    public string SmsSize => DescribeSms(Input.Headline, Input.SmsText);

    /// <summary>The templates to start from (shown on a new alert only).</summary>
    public IReadOnlyList<AlertTemplate> Templates { get; private set; } = [];

    /// <summary>The template the form was filled from, if any.</summary>
    public AlertTemplate? Template { get; private set; }

    /// <summary>The headline of the alert the form was copied from, if any.</summary>
    public string? DuplicateOf { get; private set; }

    /// <summary>The UK clock now, for the hints next to the times.</summary>
    public string UkClockNow => LondonTime.Describe(time.GetUtcNow());

    /// <summary>Handlers that answer JSON or a frame, not the page: they need no template list (one runs per keystroke).</summary>
    private static readonly HashSet<string> NotThePage = ["SmsSize", "Reach", "EmailPreview", "BannerPreview"];

    /// <summary>Before every handler that shows the page: the templates, which it lists whatever it answers with.</summary>
    public override async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        if (context.HandlerMethod?.Name is not { } handler || !NotThePage.Contains(handler))
        {
            Templates = await templates.ListAsync(HttpContext.RequestAborted);
        }

        await next();
    }

    /// <summary>
    /// Starts from a template (<c>?template=face-coverings</c>), from a copy of an old alert
    /// (<c>?duplicate={id}</c>), or from a published alert to change it (<c>?edit={id}</c>).
    /// </summary>
    public async Task<IActionResult> OnGetAsync(string? template, Guid? duplicate, CancellationToken cancellationToken)
    {
        if (Editing is { } editing)
        {
            if (await LoadCurrentAsync(editing, cancellationToken) is { } unavailable)
            {
                return unavailable;
            }

            // Every field as it is now, times included; subscribers hear of the change only if asked.
            Input = AlertForm.From(Current!.Content);
            Input.EffectiveFrom = LondonTime.ToLondon(Current.Content.EffectiveFrom).DateTime;
            Input.ExpiresAt = Current.Content.ExpiresAt is { } end ? LondonTime.ToLondon(end).DateTime : null;
            Input.Ends = Current.Content.ExpiresAt is null ? "until-withdrawn" : "at";
            Input.NotifySubscribers = false;
            return Page();
        }

        Template = Templates.FirstOrDefault(t => string.Equals(t.Key, template, StringComparison.OrdinalIgnoreCase));
        if (Template is { } chosen)
        {
            Input = AlertForm.From(chosen);
        }
        else if (duplicate is { } id)
        {
            AlertContent? content;
            try
            {
                content = (await approvals.FindAsync(id, cancellationToken))?.Content
                    ?? (await queue.FindAsync(id, cancellationToken))?.Command.Content
                    ?? (await alerts.GetAsync(id, cancellationToken))?.Content;
            }
            catch (RequestTimeoutException)
            {
                return StatusCode(StatusCodes.Status503ServiceUnavailable, "The alert service did not answer, so the alert could not be copied. Try again in a moment.");
            }

            if (content is null)
            {
                return NotFound();
            }

            // Everything but the times: a new alert starts when its author says.
            Input = AlertForm.From(content);
            DuplicateOf = content.Headline;
        }

        return Page();
    }

    /// <summary>
    /// GET ?handler=Reach&amp;sites=…&amp;kind=…&amp;channels=…&amp;headline=…&amp;smsText=…: how many
    /// subscribers the alert as written would reach, and what the texts would cost.
    /// </summary>
    public async Task<JsonResult> OnGetReachAsync(
        [FromQuery] string[] sites, [FromQuery] string[] channels, AlertKind kind, string? headline, string? smsText,
        [FromServices] IRequestClient<CountRecipients> count, CancellationToken cancellationToken)
    {
        var email = channels.Contains("email", StringComparer.OrdinalIgnoreCase);
        var text = channels.Contains("sms", StringComparer.OrdinalIgnoreCase);
        if (!email && !text)
        {
            return new JsonResult(new { description = "" });
        }

        RecipientCounts reach;
        try
        {
            reach = (await BrokerDeadline.RequestAsync(deadline => count.GetResponse<RecipientCounts>(new CountRecipients(sites, kind), deadline), cancellationToken)).Message;
        }
        catch (RequestTimeoutException)
        {
            return new JsonResult(new { description = "How many subscribers it would reach is not known just now." });
        }

        return new JsonResult(new { description = DescribeReach(reach, email, text, headline, smsText) });
    }

    /// <summary>"It would be emailed to 1,204 subscribers and texted to 310 (2 parts each: 620 parts, about £14.07)."</summary>
    public string DescribeReach(RecipientCounts reach, bool email, bool text, string? headline, string? smsText)
    {
        var uk = System.Globalization.CultureInfo.GetCultureInfo("en-GB");
        var parts = new List<string>();
        if (email)
        {
            parts.Add($"emailed to {reach.Email.ToString("N0", uk)} subscriber{(reach.Email == 1 ? "" : "s")}");
        }

        if (text)
        {
            var segments = SmsSegments.Measure(SmsText.Compose(new AlertContent { Headline = headline ?? "", SmsText = smsText, EffectiveFrom = default }, sms.Value)).Segments;
            var total = (long)segments * reach.Sms;
            var cost = sms.Value.PricePerSegment > 0 ? $", about {(total * sms.Value.PricePerSegment).ToString("C", uk)}" : "";
            parts.Add($"texted to {reach.Sms.ToString("N0", uk)} subscriber{(reach.Sms == 1 ? "" : "s")} ({segments} part{(segments == 1 ? "" : "s")} each: {total.ToString("N0", uk)} parts{cost})");
        }

        return $"As things stand it would be {string.Join(" and ", parts)}.";
    }

    /// <summary>GET ?handler=SmsSize&amp;headline=…&amp;smsText=…: the count for the text being typed, measured as it will be sent.</summary>
    public JsonResult OnGetSmsSize(string? headline, string? smsText) => new(new { description = DescribeSms(headline, smsText) });

    private string DescribeSms(string? headline, string? smsText)
    {
        if (string.IsNullOrWhiteSpace(smsText) && string.IsNullOrWhiteSpace(headline))
        {
            return "";
        }

        var text = SmsText.Compose(new AlertContent { Headline = headline ?? "", SmsText = smsText, EffectiveFrom = default }, sms.Value);
        var size = SmsSegments.Measure(text);
        var limit = size.Segments > sms.Value.MaxSegments ? $" That is more than the {sms.Value.MaxSegments} allowed: shorten it." : "";
        // Unicode fits 70 characters a part instead of 160: say which characters cause it, so they can be swapped.
        var encoding = size.Encoding == SmsEncoding.Ucs2
            ? $" Sent as Unicode because of {string.Join(" ", SmsSegments.OutsideGsm(text).Take(8).Select(c => $"“{c}”"))}: with plain characters instead (straight quotes ' and \", a hyphen -) each part holds 160 characters, not 70."
            : "";
        return $"As written, with the hint: {size.Describe()}.{limit}{encoding}";
    }

    public Task<IActionResult> OnPostAsync(CancellationToken cancellationToken) => PublishAsync(urgentReason: null, cancellationToken);

    /// <summary>After "Preview": the alert as the banner, the email and the text message would show it.</summary>
    public AlertPreview? Preview { get; private set; }

    public IActionResult OnPostPreview([FromServices] AlertPreviews previews)
    {
        if (CheckedContent() is { } content)
        {
            Preview = previews.For(content);
        }

        return Page();
    }

    /// <summary>The previewed banner, in the public endpoint's JSON, for banner.js on the preview.</summary>
    public IActionResult OnGetBannerPreview(string id, [FromServices] AlertPreviews previews) =>
        previews.BannerJson(id) is { } json ? File(json, "application/json; charset=utf-8") : NotFound();

    /// <summary>
    /// The previewed email's HTML, for the preview's frame: its own policy allows the email's inline
    /// styles and nothing else (sandboxed: no script, no forms), and only the Dashboard may frame it.
    /// </summary>
    public IActionResult OnGetEmailPreview(string id, [FromServices] AlertPreviews previews)
    {
        if (previews.EmailHtml(id) is not { } html)
        {
            return NotFound();
        }

        Response.Headers.ContentSecurityPolicy = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'";
        Response.Headers.XFrameOptions = "SAMEORIGIN";
        return Content(html, "text/html; charset=utf-8");
    }

    /// <summary>After "Send me a test": what went where, or why not.</summary>
    public TestAlertSent? TestResult { get; private set; }

    /// <summary>After "Send me a test" of a banner alert: the test's banner (for <see cref="OnGetBannerPreview"/>), shown only on this page.</summary>
    public string? TestBannerId { get; private set; }

    /// <summary>"Send me a test": the alert as written, marked TEST, to staff test recipients only; nothing is published or stored.</summary>
    public async Task<IActionResult> OnPostTestAsync(
        [FromServices] IRequestClient<SendTestAlert> test, [FromServices] AuditLog audit, [FromServices] AlertPreviews previews, CancellationToken cancellationToken)
    {
        if (CheckedContent() is not { } content)
        {
            return Page();
        }

        if (content.Channels.Contains(AlertChannel.Banner))
        {
            TestBannerId = previews.Banner(content with { Headline = $"{TestSends.Mark}: {content.Headline}" });
        }

        try
        {
            var requester = User.Identity?.Name;
            // Sending to the tester's own address and number takes longer than a query.
            var within = RequestTimeout.After(s: 60);
            TestResult = (await BrokerDeadline.RequestAsync(deadline => test.GetResponse<TestAlertSent>(
                new SendTestAlert(Guid.NewGuid(), content, requester ?? "unknown", requester), deadline, within), cancellationToken, within)).Message;
            await audit.RecordAsync(User, AuditActions.TestSent, $"{content.Headline}: {TestResult.Emailed} emailed, {TestResult.Texted} texted");
        }
        catch (RequestTimeoutException)
        {
            ModelState.AddModelError(FieldKey(nameof(AlertForm.Headline)), "The delivery service did not answer, so no test was sent. Try again in a moment.");
        }

        return Page();
    }

    /// <summary>The alert to change; null when found, else the page to answer with (not found, or the alert service silent).</summary>
    private async Task<IActionResult?> LoadCurrentAsync(Guid id, CancellationToken cancellationToken)
    {
        try
        {
            Current = await alerts.GetAsync(id, cancellationToken);
        }
        catch (RequestTimeoutException)
        {
            return StatusCode(StatusCodes.Status503ServiceUnavailable, "The alert service did not answer, so the alert cannot be changed just now. Try again in a moment.");
        }

        return Current is null ? NotFound() : null;
    }

    /// <summary>"Publish now without approval" (Admins): the reason is required and audited.</summary>
    public Task<IActionResult> OnPostUrgentAsync(CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(Input.UrgentReason))
        {
            ModelState.AddModelError(FieldKey(nameof(AlertForm.UrgentReason)), "Give the reason it cannot wait for approval; it is recorded in the audit log.");
        }

        return PublishAsync(Input.UrgentReason, cancellationToken);
    }

    private async Task<IActionResult> PublishAsync(string? urgentReason, CancellationToken cancellationToken)
    {
        if (CheckedContent() is not { } content)
        {
            return Page();
        }

        if (Editing is { } editing)
        {
            return await ChangeAsync(editing, content, cancellationToken);
        }

        var lastsFor = Input.Ends is { } quick && AlertForm.QuickEnds.TryGetValue(quick, out var length) && length > TimeSpan.Zero ? length : (TimeSpan?)null;
        switch (await authoring.CreateAsync(content, User, urgentReason, cancellationToken, lastsFor))
        {
            case Authored.Sent { Submitted: Submitted.Answered { Outcome: AlertOutcome.Rejected rejected } }:
                AddErrors(rejected.Errors);
                return Page();
            case Authored.Sent sent:
                // Accepted, or queued until the Broadcaster is back: the details page says which.
                return Redirect($"/Alerts/Details/{sent.AlertId}");
            case Authored.AwaitingApproval waiting:
                return Redirect($"/Alerts/Details/{waiting.Approval.Id}");
            case Authored.Forbidden forbidden:
                ModelState.AddModelError(FieldKey(nameof(AlertForm.UrgentReason)), forbidden.Reason);
                return Page();
            default:
                throw new InvalidOperationException("Unexpected outcome.");
        }
    }

    private async Task<IActionResult> ChangeAsync(Guid id, AlertContent content, CancellationToken cancellationToken)
    {
        if (await LoadCurrentAsync(id, cancellationToken) is { } unavailable)
        {
            return unavailable;
        }

        Authored changed;
        try
        {
            changed = await authoring.UpdateAsync(id, content, User, cancellationToken);
        }
        catch (RequestTimeoutException)
        {
            ModelState.AddModelError(FieldKey(nameof(AlertForm.Headline)), "The alert service did not answer, so nothing was changed. Try again in a moment.");
            return Page();
        }

        switch (changed)
        {
            case Authored.Updated { Outcome: AlertOutcome.Rejected rejected }:
                AddErrors(rejected.Errors);
                return Page();
            case Authored.Updated { Outcome: AlertOutcome.NotFound }:
                return NotFound();
            case Authored.Conflict conflict:
                ModelState.AddModelError(FieldKey(nameof(AlertForm.Headline)), conflict.Reason);
                return Page();
            default:
                return Redirect($"/Alerts/Details/{id}");
        }
    }

    /// <summary>The alert as the form describes it, checked; null (with the errors in ModelState) when it is not right.</summary>
    private AlertContent? CheckedContent()
    {
        var now = time.GetUtcNow();
        var effectiveFrom = now;
        if (Input.EffectiveFrom is { } start && !TryInstant(start, nameof(AlertForm.EffectiveFrom), out effectiveFrom))
        {
            return null;
        }

        DateTimeOffset? expiresAt = null;
        if (Input.Ends is { } quick && AlertForm.QuickEnds.TryGetValue(quick, out var lasting))
        {
            if (Input.ExpiresAt is not null)
            {
                // Two answers to one question: ask rather than silently drop the time typed.
                ModelState.AddModelError(FieldKey(nameof(AlertForm.ExpiresAt)), "You entered an end time but chose another ending: choose \"At the time below\", or clear the time.");
                return null;
            }

            expiresAt = lasting == TimeSpan.Zero ? null : effectiveFrom + lasting;
        }
        else if (Input.ExpiresAt is { } end)
        {
            if (!TryInstant(end, nameof(AlertForm.ExpiresAt), out var instant))
            {
                return null;
            }

            expiresAt = instant;
        }

        if (!ModelState.IsValid)
        {
            return null;
        }

        var content = Input.ToContent(effectiveFrom, expiresAt);
        if (AddErrors(validator.Validate(content)))
        {
            return null;
        }

        return content;
    }

    private bool TryInstant(DateTime local, string field, out DateTimeOffset instant)
    {
        if (LondonTime.TryToInstant(local, out instant, out var error))
        {
            return true;
        }

        ModelState.AddModelError(FieldKey(field), error!);
        return false;
    }

    private bool AddErrors(IReadOnlyDictionary<string, string[]> errors)
    {
        foreach (var (field, messages) in errors)
        {
            foreach (var message in messages)
            {
                ModelState.AddModelError(FieldKey(FormFields.GetValueOrDefault(field, nameof(AlertForm.Headline))), message);
            }
        }

        return errors.Count > 0;
    }

    private static string FieldKey(string field) => $"{nameof(Input)}.{field}";
}

/// <summary>The create form, in the words and time zone staff use.</summary>
public sealed class AlertForm
{
    public AlertKind Kind { get; set; } = AlertKind.General;
    public AlertSeverity Severity { get; set; } = AlertSeverity.Info;
    public string? Headline { get; set; }
    public string? Body { get; set; }
    public string? LinkText { get; set; }
    public string? LinkUrl { get; set; }
    public List<string> Sites { get; set; } = [];
    /// <summary><c>banner</c>, <c>email</c>, <c>sms</c>.</summary>
    public List<string> Channels { get; set; } = ["banner"];
    /// <summary>The text message; the headline is sent when empty.</summary>
    public string? SmsText { get; set; }
    public string? Paths { get; set; }
    /// <summary>Europe/London wall-clock time from a datetime-local input.</summary>
    public DateTime? EffectiveFrom { get; set; }
    public DateTime? ExpiresAt { get; set; }

    /// <summary>
    /// A quick choice for the end (<see cref="QuickEnds"/>), or <c>at</c> (or nothing, as API-style
    /// form posts send) for <see cref="ExpiresAt"/>.
    /// </summary>
    public string? Ends { get; set; }

    /// <summary>On a change: whether subscribers who were sent the alert are sent the new wording.</summary>
    public bool NotifySubscribers { get; set; } = true;

    /// <summary>Why an Admin publishes without approval (only with the "Publish now without approval" button).</summary>
    public string? UrgentReason { get; set; }

    /// <summary>The quick choices: how long after the start (zero: until withdrawn).</summary>
    public static readonly IReadOnlyDictionary<string, TimeSpan> QuickEnds = new Dictionary<string, TimeSpan>
    {
        ["until-withdrawn"] = TimeSpan.Zero,
        ["24-hours"] = TimeSpan.FromHours(24),
        ["7-days"] = TimeSpan.FromDays(7),
    };

    public static AlertForm From(AlertContent content) => new()
    {
        Kind = content.Kind,
        Severity = content.Severity,
        Headline = content.Headline,
        Body = content.Body,
        LinkText = content.Link?.Text,
        LinkUrl = content.Link?.Url,
        SmsText = content.SmsText,
        Channels = [.. content.Channels.Select(c => c.ToString().ToLowerInvariant())],
        Sites = [.. content.Sites],
        Paths = string.Join('\n', content.Paths),
    };

    public static AlertForm From(AlertTemplate template) => new()
    {
        Kind = template.Kind,
        Severity = template.Severity,
        Headline = template.Headline,
        Body = template.Body,
        SmsText = template.SmsText,
        Channels = [.. template.ChannelList],
    };

    public AlertContent ToContent(DateTimeOffset effectiveFrom, DateTimeOffset? expiresAt) => new()
    {
        Kind = Kind,
        Severity = Severity,
        Headline = Headline ?? "",
        Body = Body ?? "",
        Link = string.IsNullOrWhiteSpace(LinkText) && string.IsNullOrWhiteSpace(LinkUrl) ? null : new AlertLink(LinkText ?? "", LinkUrl ?? ""),
        SmsText = SmsText,
        Channels = Channels.Select(c => Enum.TryParse<AlertChannel>(c, ignoreCase: true, out var channel) ? channel : (AlertChannel)(-1)).ToList(),
        Sites = Sites,
        Paths = (Paths ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
        EffectiveFrom = effectiveFrom,
        ExpiresAt = expiresAt,
        NotifySubscribers = NotifySubscribers,
    };
}
