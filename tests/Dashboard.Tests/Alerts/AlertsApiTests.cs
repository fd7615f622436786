using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using AlertBroadcaster.TestSupport;
using Xunit.Abstractions;

namespace AlertBroadcaster.Dashboard.Tests.Alerts;

public sealed class AlertsApiTests(DashboardApp app, ITestOutputHelper output) : IClassFixture<DashboardApp>
{
    private readonly HttpClient _api = app.CreateApiClient();
    private readonly HttpClient _public = app.CreateClient();

    private static object FaceCoverings(DateTimeOffset? expiresAt = null, DateTimeOffset? effectiveFrom = null) => new
    {
        kind = "FaceCoverings",
        headline = "Face coverings",
        body = "Patients and visitors must wear a face covering in our hospitals.",
        channels = new[] { "banner" },
        effectiveFrom,
        expiresAt,
    };

    [Fact]
    public async Task Created_alert_is_in_the_banner_and_is_never_served_after_it_expires()
    {
        // Room for the publish to reach the banner before the alert ends, on a loaded machine.
        var expiresAt = DateTimeOffset.UtcNow.AddSeconds(8);
        var clock = Stopwatch.StartNew();
        var alert = await _api.CreateAlertAsync(FaceCoverings(expiresAt));
        var id = alert.GetProperty("id").GetGuid();
        Assert.Equal("Live", alert.GetProperty("status").GetString());

        await _public.WaitUntilInBannerAsync(id);
        output.WriteLine($"create → in banner: {clock.ElapsedMilliseconds} ms");

        while (true)
        {
            var askedAt = DateTimeOffset.UtcNow;
            var ids = await _public.BannerIdsAsync();
            if (askedAt >= expiresAt)
            {
                Assert.DoesNotContain(id, ids);
            }

            if (!ids.Contains(id))
            {
                break;
            }

            await Task.Delay(50);
        }

        Assert.True(DateTimeOffset.UtcNow >= expiresAt.AddMilliseconds(-100), "left the banner at its expiry, not before");
    }

    [Fact]
    public async Task Unchanged_banner_answers_304_and_the_ETag_follows_the_set()
    {
        var first = await _public.GetAsync("/api/banner/current?site=horton");
        var etag = first.Headers.ETag!;
        Assert.False(etag.IsWeak);
        Assert.Contains("max-age=", first.Headers.CacheControl!.ToString());

        var again = new HttpRequestMessage(HttpMethod.Get, "/api/banner/current?site=horton");
        again.Headers.IfNoneMatch.Add(etag);
        var notModified = await _public.SendAsync(again);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Equal(etag, notModified.Headers.ETag);

        var id = (await _api.CreateAlertAsync(FaceCoverings())).GetProperty("id").GetGuid();
        await _public.WaitUntilInBannerAsync(id, "?site=horton");
        var changed = new HttpRequestMessage(HttpMethod.Get, "/api/banner/current?site=horton");
        changed.Headers.IfNoneMatch.Add(etag);
        var response = await _public.SendAsync(changed);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotEqual(etag, response.Headers.ETag);
    }

    [Fact]
    public async Task Withdrawn_alert_leaves_the_banner_and_withdrawing_again_is_harmless()
    {
        var id = (await _api.CreateAlertAsync(FaceCoverings())).GetProperty("id").GetGuid();
        await _public.WaitUntilInBannerAsync(id);

        var clock = Stopwatch.StartNew();
        var withdrawn = await _api.PostAsync($"/api/alerts/{id}/withdraw", null);
        Assert.Equal(HttpStatusCode.OK, withdrawn.StatusCode);
        Assert.Equal("Withdrawn", (await withdrawn.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        await _public.WaitUntilNotInBannerAsync(id);
        output.WriteLine($"withdraw → gone from banner: {clock.ElapsedMilliseconds} ms");

        var again = await _api.PostAsync($"/api/alerts/{id}/withdraw", null);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var stored = await _api.GetFromJsonAsync<JsonElement>($"/api/alerts/{id}");
        Assert.Equal("Withdrawn", stored.GetProperty("status").GetString());
        Assert.Equal(1, stored.GetProperty("revision").GetInt32());
    }

    [Fact]
    public async Task Html_fragment_shows_the_banner_inert_and_is_evicted_from_the_output_cache_when_it_is_withdrawn()
    {
        var id = (await _api.CreateAlertAsync(new
        {
            severity = "Urgent",
            headline = "<script>alert(1)</script> Visiting suspended at the Horton",
            body = "From **8 a.m.** <img src=x onerror=alert(1)> [more](javascript:alert(1))",
            channels = new[] { "banner" },
            sites = new[] { "horton" },
        })).GetProperty("id").GetGuid();
        await _public.WaitUntilInBannerAsync(id, "?site=horton");

        const string fragment = "/api/banner/current.html?site=horton";
        var html = await _public.GetStringAsync(fragment);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt; Visiting suspended at the Horton", html);
        Assert.Contains("<strong>8 a.m.</strong>", html);
        Assert.DoesNotContain("<script", html);
        Assert.DoesNotContain("<img", html);
        Assert.DoesNotContain("href=\"javascript", html);
        Assert.Contains("nhs-alert--urgent", html);

        // The second answer comes from the output cache (it says its age)...
        using (var cached = await _public.GetAsync(fragment))
        {
            Assert.NotNull(cached.Headers.Age);
        }

        // ...until the alert changes: eviction, not expiry, takes it out at once.
        Assert.Equal(HttpStatusCode.OK, (await _api.PostAsync($"/api/alerts/{id}/withdraw", null)).StatusCode);
        await _public.WaitUntilNotInBannerAsync(id, "?site=horton");
        Assert.DoesNotContain("Visiting suspended at the Horton", await _public.GetStringAsync(fragment));
    }

    [Fact]
    public async Task Scheduled_alert_goes_live_on_time()
    {
        var effectiveFrom = DateTimeOffset.UtcNow.AddSeconds(5);
        var alert = await _api.CreateAlertAsync(FaceCoverings(effectiveFrom: effectiveFrom));
        var id = alert.GetProperty("id").GetGuid();
        Assert.Equal("Scheduled", alert.GetProperty("status").GetString());
        Assert.DoesNotContain(id, await _public.BannerIdsAsync());

        await _public.WaitUntilInBannerAsync(id);
        Assert.True(DateTimeOffset.UtcNow >= effectiveFrom, "not shown before effectiveFrom");
        Assert.Equal("Live", (await _api.GetFromJsonAsync<JsonElement>($"/api/alerts/{id}")).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Targeted_alert_shows_only_for_its_site_and_pages()
    {
        var id = (await _api.CreateAlertAsync(new
        {
            kind = "RecruitmentClosed",
            headline = "The 100,000 Genomes Project has now closed to recruitment",
            sites = new[] { "genomic-medicine-centre" },
            paths = new[] { "/100000-genomes-project" },
        })).GetProperty("id").GetGuid();

        await _public.WaitUntilInBannerAsync(id, "?site=genomic-medicine-centre&path=/100000-genomes-project/faq");
        Assert.DoesNotContain(id, await _public.BannerIdsAsync("?site=genomic-medicine-centre&path=/contact"));
        Assert.DoesNotContain(id, await _public.BannerIdsAsync("?site=churchill&path=/100000-genomes-project"));
    }

    [Fact]
    public async Task Banner_is_readable_from_any_origin()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/banner/current");
        request.Headers.Add("Origin", "https://www.genomicsengland.example");
        var response = await _public.SendAsync(request);
        Assert.Equal("*", Assert.Single(response.Headers.GetValues("Access-Control-Allow-Origin")));
        // banner.js reads the ETag to ask "has it changed?" next time.
        Assert.Contains("ETag", response.Headers.GetValues("Access-Control-Expose-Headers").Single(), StringComparison.OrdinalIgnoreCase);

        // And that question (a header outside the CORS safelist) is allowed by the preflight.
        var preflight = new HttpRequestMessage(HttpMethod.Options, "/api/banner/current?site=horton");
        preflight.Headers.Add("Origin", "https://www.genomicsengland.example");
        preflight.Headers.Add("Access-Control-Request-Method", "GET");
        preflight.Headers.Add("Access-Control-Request-Headers", "if-none-match");
        var allowed = await _public.SendAsync(preflight);
        Assert.Equal(HttpStatusCode.NoContent, allowed.StatusCode);
        Assert.Contains("if-none-match", allowed.Headers.GetValues("Access-Control-Allow-Headers").Single(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Banner_for_an_unknown_site_is_a_clear_400()
    {
        var response = await _public.GetAsync("/api/banner/current?site=mars");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("site", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").EnumerateObject().Select(p => p.Name));
    }

    /// <summary>
    /// The plain queries websites send are read at the front of the pipeline, anything else by the
    /// routed endpoint: both readings must give the same answer.
    /// </summary>
    [Theory]
    [InlineData("?SITE=horton&Path=/visiting")]
    [InlineData("?site=hort%6Fn&path=%2Fvisiting")]
    [InlineData("?path=/visiting&site=horton&_=1764230400")]
    [InlineData("?site=horton&path=/visiting&")]
    public async Task A_banner_query_written_differently_gets_the_same_answer(string query)
    {
        const string canonical = "?site=horton&path=/visiting";
        var alert = await _api.CreateAlertAsync(new
        {
            kind = "VisitingRestrictions",
            headline = "Visiting hours change on the wards",
            channels = new[] { "banner" },
            sites = new[] { "horton" },
            paths = new[] { "/visiting" },
        });
        await _public.WaitUntilInBannerAsync(alert.GetProperty("id").GetGuid(), canonical);

        var expected = await _public.GetAsync("/api/banner/current" + canonical);
        var actual = await _public.GetAsync("/api/banner/current" + query);
        Assert.Equal(HttpStatusCode.OK, actual.StatusCode);
        Assert.Equal(expected.Headers.ETag, actual.Headers.ETag);
        Assert.Equal(await expected.Content.ReadAsStringAsync(), await actual.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("?site=horton&site=churchill", "site")]
    [InlineData("?site=", "site")]
    [InlineData("?site=Horton", "site")]
    [InlineData("?site=horton&path=visiting", "path")]
    [InlineData("?path=", "path")]
    public async Task A_banner_query_the_endpoint_cannot_answer_is_a_clear_400(string query, string field)
    {
        var response = await _public.GetAsync("/api/banner/current" + query);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(field, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").EnumerateObject().Select(p => p.Name));
    }

    public static TheoryData<string, string> BadAlerts => new()
    {
        { "{\"headline\": ", "headline" },
        { "not json", "$" },
        { "{\"body\":\"no headline\"}", "headline" },
        { $"{{\"headline\":\"{new string('a', 121)}\"}}", "headline" },
        { $"{{\"headline\":\"Long body\",\"body\":\"{new string('a', 2001)}\"}}", "body" },
        { "{\"headline\":\"Past\",\"expiresAt\":\"2020-01-01T00:00:00Z\"}", "expiresAt" },
        { "{\"headline\":\"Backwards\",\"effectiveFrom\":\"2030-01-02T00:00:00Z\",\"expiresAt\":\"2030-01-01T00:00:00Z\"}", "expiresAt" },
        { "{\"headline\":\"Where?\",\"sites\":[\"mars\"]}", "sites" },
        { "{\"headline\":\"Null site\",\"sites\":[null]}", "sites" },
        { "{\"headline\":\"What?\",\"kind\":\"Alien\"}", "kind" },
        { "{\"headline\":\"Link\",\"link\":{\"text\":\"More\",\"url\":\"http://insecure.example\"}}", "link.url" },
        { "{\"headline\":\"Link\",\"link\":{\"text\":\"More\",\"url\":\"javascript:alert(1)\"}}", "link.url" },
        { "{\"headline\":\"Channel\",\"channels\":[\"fax\"]}", "channels[0]" },
    };

    [Theory]
    [MemberData(nameof(BadAlerts))]
    public async Task Bad_alert_is_refused_naming_the_field_and_nothing_is_stored(string json, string field)
    {
        var before = await CountAlertsAsync();

        var response = await _api.PostAsync("/api/alerts", new StringContent(json, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Contains(field, errors.EnumerateObject().Select(p => p.Name));
        Assert.Equal(before, await CountAlertsAsync());
    }

    [Fact]
    public async Task Oversized_body_is_refused()
    {
        var json = $"{{\"headline\":\"Big\",\"body\":\"{new string('a', 100_000)}\"}}";
        var response = await _api.PostAsync("/api/alerts", new StringContent(json, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-key")]
    public async Task Without_a_valid_key_the_api_answers_401(string? key)
    {
        var client = app.CreateClient(new() { AllowAutoRedirect = false });
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/alerts")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsJsonAsync("/api/alerts", FaceCoverings())).StatusCode);
    }

    [Fact]
    public async Task Unknown_alert_is_404()
    {
        var id = Guid.NewGuid();
        Assert.Equal(HttpStatusCode.NotFound, (await _api.GetAsync($"/api/alerts/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _api.PostAsync($"/api/alerts/{id}/withdraw", null)).StatusCode);
    }

    [Fact]
    public async Task Alerts_are_listed_newest_first_with_their_status()
    {
        var id = (await _api.CreateAlertAsync(FaceCoverings())).GetProperty("id").GetGuid();
        var list = await _api.GetFromJsonAsync<JsonElement>("/api/alerts");
        var newest = list.GetProperty("alerts")[0];
        Assert.Equal(id, newest.GetProperty("id").GetGuid());
        Assert.Equal("Live", newest.GetProperty("status").GetString());
        Assert.Equal("api-key-1", newest.GetProperty("createdBy").GetString());
    }

    [Theory]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    public async Task Health_endpoints_answer_without_sign_in(string path) =>
        Assert.Equal(HttpStatusCode.OK, (await _public.GetAsync(path)).StatusCode);

    private async Task<int> CountAlertsAsync() =>
        (await _api.GetFromJsonAsync<JsonElement>("/api/alerts")).GetProperty("alerts").GetArrayLength();
}
