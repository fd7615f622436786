using AlertBroadcaster.Contracts;
using AlertBroadcaster.Dashboard.Audit;
using AlertBroadcaster.Dashboard.Subscribers;
using AlertBroadcaster.ServiceDefaults;
using MassTransit;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AlertBroadcaster.Dashboard.Pages.Admin.Subscribers;

/// <summary>Subscribers (Admins only): counts, find someone, erase them (GDPR) with a reason, import a CSV list.</summary>
[RequestSizeLimit(SubscribersApi.MaxImportBytes + 64 * 1024)]
[RequestFormLimits(MultipartBodyLengthLimit = SubscribersApi.MaxImportBytes + 64 * 1024)]
public sealed class IndexModel(
    IRequestClient<GetSubscriberStats> stats,
    IRequestClient<FindSubscribers> find,
    IRequestClient<EraseSubscriber> erase,
    SubscriberImporter importer,
    AuditLog audit,
    SiteCatalog sites) : PageModel
{
    public SiteCatalog Sites => sites;

    public SubscriberStats? Stats { get; private set; }

    /// <summary>An email address (or part of one) or a mobile number.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Q { get; set; }

    /// <summary>The subscription an Admin chose to erase: the page asks for the reason.</summary>
    [BindProperty(SupportsGet = true)]
    public long? Erase { get; set; }

    public IReadOnlyList<SubscriberSummary> Found { get; private set; } = [];

    [BindProperty]
    public string? Reason { get; set; }

    [BindProperty]
    public IFormFile? List { get; set; }

    public ImportOutcome? Imported { get; private set; }

    public string? Done { get; private set; }

    public bool Unavailable { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        try
        {
            Stats = (await BrokerDeadline.RequestAsync(deadline => stats.GetResponse<SubscriberStats>(new GetSubscriberStats(), deadline), cancellationToken)).Message;
            if (Q is { Length: > 0 } query)
            {
                Found = (await BrokerDeadline.RequestAsync(deadline => find.GetResponse<SubscribersFound>(new FindSubscribers(query), deadline), cancellationToken)).Message.Subscribers;
            }
        }
        catch (RequestTimeoutException)
        {
            Unavailable = true;
        }
    }

    public async Task<IActionResult> OnPostEraseAsync(long id, CancellationToken cancellationToken)
    {
        Erase = id;
        if (string.IsNullOrWhiteSpace(Reason))
        {
            ModelState.AddModelError(nameof(Reason), "Give the reason as a reference, such as the erasure request's ticket number and date (not the person's name or address); it is kept in the audit log for good.");
        }
        else
        {
            try
            {
                var erased = (await BrokerDeadline.RequestAsync(deadline => erase.GetResponse<SubscriberErased>(new EraseSubscriber(id, AuditLog.ActorOf(User)), deadline), cancellationToken)).Message;
                if (erased.Found)
                {
                    // The audit log keeps who, when and why, never the address that was erased.
                    await audit.RecordAsync(User, AuditActions.SubscriberErased, $"subscriber {id} — {Reason.Trim()}");
                    Done = "Erased: the subscription and every record of the address are gone; nothing more will be sent to it.";
                    Erase = null;
                }
                else
                {
                    Done = "That subscription no longer exists: it may have been erased already.";
                    Erase = null;
                }
            }
            catch (RequestTimeoutException)
            {
                ModelState.AddModelError(nameof(Reason), "The subscriber service did not answer, so nothing was erased. Try again in a moment.");
            }
        }

        await OnGetAsync(cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostImportAsync(CancellationToken cancellationToken)
    {
        if (List is not { Length: > 0 } file)
        {
            ModelState.AddModelError(nameof(List), "Choose a CSV file with the header email,phone,sites,topics.");
        }
        else
        {
            await using var stream = file.OpenReadStream();
            Imported = await importer.ImportAsync(stream, User, cancellationToken);
            switch (Imported)
            {
                case ImportOutcome.NotAnImportFile bad:
                    ModelState.AddModelError(nameof(List), bad.Reason);
                    break;
                case ImportOutcome.Interrupted cut:
                    ModelState.AddModelError(nameof(List), $"The subscriber service stopped answering after {cut.Stored} lines. Importing the file again is safe.");
                    break;
            }
        }

        await OnGetAsync(cancellationToken);
        return Page();
    }
}
