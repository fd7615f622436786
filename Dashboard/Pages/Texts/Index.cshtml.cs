using AlertBroadcaster.Contracts;
using AlertBroadcaster.ServiceDefaults;
using MassTransit;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AlertBroadcaster.Dashboard.Pages.Texts;

/// <summary>What the <c>Log</c> SMS provider "sent": a trial shows exactly what subscribers would get.</summary>
public sealed class IndexModel(IRequestClient<GetLoggedTexts> texts) : PageModel
{
    public IReadOnlyList<LoggedText> Texts { get; private set; } = [];

    public bool Unavailable { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        try
        {
            Texts = (await BrokerDeadline.RequestAsync(deadline => texts.GetResponse<LoggedTexts>(new GetLoggedTexts(), deadline), cancellationToken)).Message.Texts;
        }
        catch (RequestTimeoutException)
        {
            Unavailable = true;
        }
    }
}
