using System.Net;
using AlertBroadcaster.Channels.Storage;
using AlertBroadcaster.Dashboard.Tests.Account;
using AlertBroadcaster.Dashboard.Tests.Email;
using AlertBroadcaster.Dashboard.Tests.Sms;
using AlertBroadcaster.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AlertBroadcaster.Dashboard.Tests.Subscribers;

/// <summary>GDPR erasure from the Admins' subscriber page: nothing of the address is left, and the audit log says why without it.</summary>
public sealed class SubscriberErasureTests : IAsyncLifetime
{
    private readonly DashboardApp _app = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Erasing_a_texted_subscriber_removes_every_record_of_the_number_and_audits_the_reason()
    {
        var api = _app.CreateApiClient();
        var number = SmsTestCalls.Mobile(7);
        await api.ImportAsync(EmailTestCalls.Csv([$"keep.me@example.org,,,", $",{number},,"]));
        var id = await api.CreateSmsAlertAsync("Visiting suspended at the Horton");
        await api.WaitForSmsCountsAsync(id, c => c.Count("sent") == 1 && c.Count("pending") == 0, "the text logged");

        var admin = await SignInTests.SignedInClientAsync(_app);
        var found = await admin.GetStringAsync("/Admin/Subscribers?Q=07400000007");
        Assert.Contains("7400000007", found);
        var subscriberId = System.Text.RegularExpressions.Regex.Match(found, @"Erase=(\d+)").Groups[1].Value;

        var withoutReason = await PostEraseAsync(admin, subscriberId, reason: "");
        Assert.Contains("Give the reason", withoutReason);

        var erased = await PostEraseAsync(admin, subscriberId, reason: "Erasure request by phone, 26 Nov 2026");
        Assert.Contains("Erased:", erased);

        await using (var scope = _app.Services.CreateAsyncScope())
        {
            var channels = scope.ServiceProvider.GetRequiredService<ChannelsDbContext>();
            Assert.False(await channels.Subscribers.AnyAsync(s => s.Address == number));
            Assert.False(await channels.LoggedSms.AnyAsync(t => t.To == number));
            Assert.True(await channels.Subscribers.AnyAsync(s => s.Address == "keep.me@example.org"));
        }

        Assert.Contains("Nobody matches", await admin.GetStringAsync("/Admin/Subscribers?Q=07400000007"));
        var audit = await admin.GetStringAsync("/Audit?handler=Csv&Action=subscriber.erased");
        Assert.Contains("Erasure request by phone, 26 Nov 2026", audit);
        Assert.DoesNotContain(number, audit);
        Assert.DoesNotContain("7400000007", audit);
    }

    [Fact]
    public async Task An_admin_imports_a_list_through_the_page_and_the_counts_show_it()
    {
        var admin = await SignInTests.SignedInClientAsync(_app);
        var token = await SignInTests.TokenFromAsync(admin, "/Admin/Subscribers");
        using var form = new MultipartFormDataContent
        {
            { new StringContent(token), "__RequestVerificationToken" },
            { new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes(EmailTestCalls.Csv(["a@example.org,,horton,FaceCoverings", "b@example.org,,,", "not-an-address,,,"]))), "List", "list.csv" },
        };
        var response = await admin.PostAsync("/Admin/Subscribers?handler=Import", form);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await response.Content.ReadAsStringAsync();
        Assert.Contains("2 added, 0 updated, 1 lines not imported.", page);
        Assert.Contains("Line 4:", page);

        var stats = await _app.CreateApiClient().GetStringAsync("/api/subscribers/stats");
        Assert.Contains("\"activeByTopic\"", stats);
        Assert.Contains("\"FaceCoverings\":2", stats);
        Assert.Contains("\"VisitingRestrictions\":1", stats);
        Assert.Contains("\"subscribers.imported\"", await admin.GetStringAsync("/Audit?handler=Csv"));
    }

    private static async Task<string> PostEraseAsync(HttpClient admin, string subscriberId, string reason)
    {
        var token = await SignInTests.TokenFromAsync(admin, "/Admin/Subscribers");
        var response = await admin.PostAsync($"/Admin/Subscribers?handler=Erase&id={subscriberId}", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Q"] = "07400000007",
            ["Reason"] = reason,
            ["__RequestVerificationToken"] = token,
        }));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }
}
