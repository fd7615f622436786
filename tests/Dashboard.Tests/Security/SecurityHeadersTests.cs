using System.Net;
using AlertBroadcaster.ServiceDefaults;
using Microsoft.AspNetCore.Mvc.Testing;

namespace AlertBroadcaster.Dashboard.Tests.Security;

/// <summary>
/// The headers every answer carries, for every GET endpoint the app maps, over HTTPS on a real host
/// name (HSTS is never sent for localhost), both signed in and not.
/// </summary>
public sealed class SecurityHeadersTests(SecurityApp fixture) : IClassFixture<SecurityApp>
{
    private static readonly Uri PublicAddress = new("https://alerts.ouh.example/");

    /// <summary>Served to other sites' pages (script, stylesheet, JSON and fragment they fetch), so not framing rules but embedding ones.</summary>
    private static readonly string[] EmbeddedByWebsites = ["/banner.js", "/banner.css", "/api/banner/current", "/api/banner/current.html"];

    [Fact]
    public async Task Every_page_has_a_content_security_policy_with_frame_ancestors_nosniff_and_hsts()
    {
        var anonymous = fixture.App.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = PublicAddress, AllowAutoRedirect = false });
        var admin = fixture.App.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = PublicAddress, AllowAutoRedirect = false, HandleCookies = true });
        Assert.Equal(HttpStatusCode.Redirect, (await Account.SignInTests.SignInAsync(admin, DashboardApp.AdminPassword)).StatusCode);

        var missing = new List<string>();
        var pages = 0;
        foreach (var endpoint in (await EndpointCatalog.ListAsync(fixture.App.Services)).Where(e => e.Method == "GET"))
        {
            foreach (var (who, client) in new[] { ("anonymous", anonymous), ("admin", admin) })
            {
                using var response = await SecurityApp.CallAsync(client, endpoint);
                var what = $"{endpoint.Key} as {who} ({(int)response.StatusCode})";
                if (Header(response, "X-Content-Type-Options") != "nosniff")
                {
                    missing.Add($"{what}: X-Content-Type-Options: nosniff");
                }

                if (EmbeddedByWebsites.Contains(endpoint.Pattern))
                {
                    continue;
                }

                if (Header(response, "Strict-Transport-Security") is not { } hsts || !hsts.StartsWith("max-age=31536000", StringComparison.Ordinal))
                {
                    missing.Add($"{what}: Strict-Transport-Security max-age=31536000");
                }

                if (response.Content.Headers.ContentType?.MediaType == "text/html")
                {
                    pages++;
                    if (Header(response, "Content-Security-Policy") is not { } csp || !csp.Contains("frame-ancestors", StringComparison.Ordinal))
                    {
                        missing.Add($"{what}: Content-Security-Policy with frame-ancestors");
                    }
                }
            }
        }

        Assert.True(missing.Count == 0, "Missing headers:\n" + string.Join("\n", missing));
        Assert.True(pages >= 25, $"Only {pages} HTML answers were checked.");
    }

    [Fact]
    public async Task Staff_and_public_pages_allow_no_inline_script_and_the_job_dashboard_cannot_be_framed()
    {
        var admin = fixture.App.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = PublicAddress, AllowAutoRedirect = false, HandleCookies = true });
        Assert.Equal(HttpStatusCode.Redirect, (await Account.SignInTests.SignInAsync(admin, DashboardApp.AdminPassword)).StatusCode);

        foreach (var path in new[] { "/", "/Alerts/Create", "/subscribe", "/sms/subscribe", "/demo", "/Account/SignIn" })
        {
            Assert.Equal(SecurityHeaders.ContentSecurityPolicy, Header(await admin.GetAsync(path), "Content-Security-Policy"));
        }

        var jobs = await admin.GetAsync("/hangfire");
        Assert.Equal(HttpStatusCode.OK, jobs.StatusCode);
        Assert.Equal("frame-ancestors 'none'", Header(jobs, "Content-Security-Policy"));
        Assert.Equal("DENY", Header(jobs, "X-Frame-Options"));
    }

    [Fact]
    public async Task What_websites_embed_stays_embeddable_from_any_origin()
    {
        var website = fixture.App.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = PublicAddress });
        foreach (var path in new[] { "/banner.js", "/banner.css" })
        {
            var asset = await website.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, asset.StatusCode);
            Assert.Equal("cross-origin", Header(asset, "Cross-Origin-Resource-Policy"));
            Assert.Equal("nosniff", Header(asset, "X-Content-Type-Options"));
        }

        foreach (var path in new[] { "/api/banner/current", "/api/banner/current.html", "/feeds/alerts.atom", "/feeds/alerts.cap.xml" })
        {
            var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Add("Origin", "https://www.genomicmedicine.example");
            var response = await website.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("*", Header(response, "Access-Control-Allow-Origin"));
            Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
        }
    }

    [Fact]
    public async Task Over_plain_http_on_localhost_no_hsts_is_sent()
    {
        var response = await fixture.App.CreateClient().GetAsync("/subscribe");
        Assert.Null(Header(response, "Strict-Transport-Security"));
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? string.Join(", ", values)
            : null;
}
