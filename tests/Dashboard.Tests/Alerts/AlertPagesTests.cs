using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AlertBroadcaster.Dashboard.Tests.Account;

namespace AlertBroadcaster.Dashboard.Tests.Alerts;

public sealed class AlertPagesTests(DashboardApp app) : IClassFixture<DashboardApp>
{
    private static FormUrlEncodedContent Form(string token, params (string Key, string Value)[] fields) =>
        new(fields.Select(f => KeyValuePair.Create(f.Key, f.Value)).Append(KeyValuePair.Create("__RequestVerificationToken", token)));

    [Fact]
    public async Task Alert_created_on_the_page_is_published_to_the_banner_and_can_be_withdrawn()
    {
        var client = await SignInTests.SignedInClientAsync(app);
        var token = await SignInTests.TokenFromAsync(client, "/Alerts/Create");

        var created = await client.PostAsync("/Alerts/Create", Form(token,
            ("Input.Kind", "VisitingRestrictions"),
            ("Input.Severity", "Warning"),
            ("Input.Headline", "Visiting restrictions at the John Radcliffe"),
            ("Input.Body", "One visitor per patient, 2pm to 8pm."),
            ("Input.Sites", "john-radcliffe")));

        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        var details = created.Headers.Location!.OriginalString;
        var id = Guid.Parse(details.Split('/')[^1]);
        await app.CreateClient().WaitUntilInBannerAsync(id, "?site=john-radcliffe");
        Assert.Contains("Visiting restrictions at the John Radcliffe", await client.GetStringAsync("/"));

        var withdrawToken = await SignInTests.TokenFromAsync(client, details);
        var unconfirmed = await client.PostAsync($"{details}?handler=Withdraw", Form(withdrawToken));
        Assert.Contains("Tick the box to confirm", await unconfirmed.Content.ReadAsStringAsync());

        var withdrawn = await client.PostAsync($"{details}?handler=Withdraw", Form(withdrawToken, ("Confirm", "true")));
        Assert.Equal(HttpStatusCode.Redirect, withdrawn.StatusCode);
        await app.CreateClient().WaitUntilNotInBannerAsync(id, "?site=john-radcliffe");
    }

    [Fact]
    public async Task Invalid_form_shows_each_problem_and_publishes_nothing()
    {
        var client = await SignInTests.SignedInClientAsync(app);
        var token = await SignInTests.TokenFromAsync(client, "/Alerts/Create");
        var before = await CountAlertsAsync(client);

        var response = await client.PostAsync("/Alerts/Create", Form(token,
            ("Input.Headline", ""),
            ("Input.LinkText", "More"),
            ("Input.LinkUrl", "http://insecure.example"),
            ("Input.ExpiresAt", "2020-01-01T09:00")));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await response.Content.ReadAsStringAsync();
        Assert.Contains("There is a problem", page);
        Assert.Contains("Enter a headline.", page);
        Assert.Contains("Link must be a full address starting with https://.", page);
        Assert.Contains("Expiry time must be in the future.", page);
        Assert.Equal(before, await CountAlertsAsync(client));
    }

    private static async Task<int> CountAlertsAsync(HttpClient client) =>
        (await client.GetFromJsonAsync<JsonElement>("/api/alerts")).GetProperty("alerts").GetArrayLength();

    [Fact]
    public async Task A_time_skipped_by_the_clocks_going_forward_is_refused()
    {
        var client = await SignInTests.SignedInClientAsync(app);
        var token = await SignInTests.TokenFromAsync(client, "/Alerts/Create");

        var response = await client.PostAsync("/Alerts/Create", Form(token,
            ("Input.Headline", "Spring forward"),
            ("Input.EffectiveFrom", "2027-03-28T01:30")));

        Assert.Contains("does not exist in the UK", await response.Content.ReadAsStringAsync());
    }
}
