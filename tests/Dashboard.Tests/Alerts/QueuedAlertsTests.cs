using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AlertBroadcaster.Contracts;
using AlertBroadcaster.Dashboard.Alerts;
using AlertBroadcaster.Dashboard.Tests.Account;
using AlertBroadcaster.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace AlertBroadcaster.Dashboard.Tests.Alerts;

/// <summary>
/// The Dashboard's queue of alerts the Broadcaster could not take at once. The broker outage
/// itself is in <see cref="BrokerOutageTests"/>; here alerts are queued directly, as the API does
/// when the bus is down, and the dispatcher takes them from there.
/// </summary>
public sealed class QueuedAlertsTests(DashboardApp app) : IClassFixture<DashboardApp>
{
    private readonly HttpClient _api = app.CreateApiClient();

    private async Task<Guid> QueueAsync(string headline, DateTimeOffset? expiresAt = null)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var content = new AlertContent { Headline = headline, Channels = [AlertChannel.Banner], EffectiveFrom = DateTimeOffset.UtcNow, ExpiresAt = expiresAt };
        var queued = await scope.ServiceProvider.GetRequiredService<QueuedAlerts>().AddAsync(new PublishAlert(Guid.NewGuid(), content, "test"), CancellationToken.None);
        return queued.Id;
    }

    private async Task<string?> StatusAsync(Guid id) =>
        (await _api.GetFromJsonAsync<JsonElement>($"/api/alerts/{id}")).GetProperty("status").GetString();

    [Fact]
    public async Task A_queued_alert_is_published_once_the_Broadcaster_takes_it()
    {
        var id = await QueueAsync("Queued while the broker was down");

        await app.CreateClient().WaitUntilInBannerAsync(id);
        await Poll.UntilAsync(async () => await StatusAsync(id) == "Live", what: "the alert live and out of the queue");
    }

    [Fact]
    public async Task A_queued_alert_the_Broadcaster_refuses_stays_visible_with_the_reason()
    {
        // Expired while it waited: the Broadcaster refuses it, and staff must be told.
        var id = await QueueAsync("Expired while queued", expiresAt: DateTimeOffset.UtcNow.AddSeconds(-1));

        await Poll.UntilAsync(async () => await StatusAsync(id) == "Refused", what: "the queued alert refused");
        var refused = await _api.GetFromJsonAsync<JsonElement>($"/api/alerts/{id}");
        Assert.True(refused.GetProperty("refusal").TryGetProperty("expiresAt", out _));
        Assert.DoesNotContain(id, await app.CreateClient().BannerIdsAsync());

        var withdraw = await _api.PostAsync($"/api/alerts/{id}/withdraw", null);
        Assert.Equal(HttpStatusCode.Conflict, withdraw.StatusCode);

        var staff = await SignInTests.SignedInClientAsync(app);
        Assert.Contains("refused this alert", await staff.GetStringAsync($"/Alerts/Details/{id}"));
        Assert.Contains("Expired while queued", await staff.GetStringAsync("/"));
    }
}
