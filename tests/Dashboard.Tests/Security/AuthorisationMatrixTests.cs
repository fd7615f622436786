using System.Net;
using System.Text;
using static AlertBroadcaster.Dashboard.Tests.Security.Access;

namespace AlertBroadcaster.Dashboard.Tests.Security;

/// <summary>What a principal gets from an endpoint, as far as authorisation goes.</summary>
public enum Access
{
    /// <summary>Let through to the handler: any answer but the ones below (a 404 for a made-up id, a 400 for an empty form).</summary>
    Allowed,

    /// <summary>A page: 302 to /Account/SignIn?ReturnUrl=….</summary>
    SignIn,

    /// <summary>403, or 302 to /Account/AccessDenied (a page).</summary>
    Denied,

    /// <summary>The JSON API: 401 with Problem Details and <c>WWW-Authenticate: Bearer</c>.</summary>
    Unauthorized,
}

/// <summary>
/// Every endpoint of the embedded host × every kind of caller. The endpoints are read from the app, so
/// a new endpoint without a row here fails <see cref="Every_endpoint_has_a_rule_and_every_rule_an_endpoint"/>.
/// </summary>
public sealed class AuthorisationMatrixTests(SecurityApp fixture) : IClassFixture<SecurityApp>
{
    private sealed record Rule(Access Anonymous, Access Author, Access Approver, Access Admin, Access ApiKey)
    {
        public Access For(Principal principal) => principal switch
        {
            Principal.Anonymous => Anonymous,
            Principal.Author => Author,
            Principal.Approver => Approver,
            Principal.Admin => Admin,
            Principal.ApiKey => ApiKey,
            _ => throw new ArgumentOutOfRangeException(nameof(principal)),
        };
    }

    // Shorthands for the table.
    private static Rule Public => new(Allowed, Allowed, Allowed, Allowed, Allowed);
    private static Rule StaffPage => new(SignIn, Allowed, Allowed, Allowed, SignIn);
    private static Rule AuditPage => new(SignIn, Denied, Allowed, Allowed, SignIn);
    private static Rule AdminPage => new(SignIn, Denied, Denied, Allowed, SignIn);
    private static Rule StaffApi => new(Unauthorized, Allowed, Allowed, Allowed, Allowed);
    private static Rule SubscriberApi => new(Unauthorized, Denied, Denied, Allowed, Allowed);

    /// <summary>Provider webhooks: only a valid provider signature gets in, whoever is signed in.</summary>
    private static Rule ProviderSigned => new(Denied, Denied, Denied, Denied, Denied);

    /// <summary>
    /// The expected access, by method and route pattern (Razor page handlers as <c>?handler=</c>). Page
    /// rules come from the folder conventions in <c>AddDashboard</c>; API rules from the groups' policies.
    /// Handler-level rules (an author cannot approve, nor approve their own alert; only an admin
    /// publishes urgently) are on top of these and tested in Approval/ApprovalApiTests.
    /// </summary>
    private static readonly Dictionary<string, Rule> Rules = new()
    {
        // Staff pages (signed in, any role). API keys are for the JSON API, never the pages.
        ["GET /"] = StaffPage,
        ["GET /Alerts/Calendar"] = StaffPage,
        ["GET /Alerts/Create"] = StaffPage,
        ["GET /Alerts/Create?handler=BannerPreview"] = StaffPage,
        ["GET /Alerts/Create?handler=EmailPreview"] = StaffPage,
        ["GET /Alerts/Create?handler=Reach"] = StaffPage,
        ["GET /Alerts/Create?handler=SmsSize"] = StaffPage,
        ["POST /Alerts/Create"] = StaffPage,
        ["POST /Alerts/Create?handler=Preview"] = StaffPage,
        ["POST /Alerts/Create?handler=Test"] = StaffPage,
        ["POST /Alerts/Create?handler=Urgent"] = StaffPage,
        ["GET /Alerts/Details/{id:guid}"] = StaffPage,
        ["POST /Alerts/Details/{id:guid}?handler=Approve"] = StaffPage,
        ["POST /Alerts/Details/{id:guid}?handler=CancelChange"] = StaffPage,
        ["POST /Alerts/Details/{id:guid}?handler=Reject"] = StaffPage,
        ["POST /Alerts/Details/{id:guid}?handler=RetryFailed"] = StaffPage,
        ["POST /Alerts/Details/{id:guid}?handler=Withdraw"] = StaffPage,
        ["GET /Texts"] = StaffPage,
        ["GET /Account/ChangePassword"] = StaffPage,
        ["POST /Account/ChangePassword"] = StaffPage,
        ["GET /Account/SignOut"] = StaffPage,
        ["POST /Account/SignOut"] = StaffPage,

        // Signing in is open; the access-denied page answers 403 to everyone by design.
        ["GET /Account/SignIn"] = Public,
        ["POST /Account/SignIn"] = Public,
        ["GET /Account/AccessDenied"] = new(Denied, Denied, Denied, Denied, Denied),

        // The audit log: Admins and Approvers.
        ["GET /Audit"] = AuditPage,
        ["GET /Audit?handler=Csv"] = AuditPage,

        // Administration: Admins only.
        ["GET /Admin/ApiKeys"] = AdminPage,
        ["POST /Admin/ApiKeys"] = AdminPage,
        ["POST /Admin/ApiKeys?handler=Revoke"] = AdminPage,
        ["GET /Admin/Subscribers"] = AdminPage,
        ["POST /Admin/Subscribers?handler=Erase"] = AdminPage,
        ["POST /Admin/Subscribers?handler=Import"] = AdminPage,
        ["GET /Admin/Templates"] = AdminPage,
        ["GET /Admin/Templates/Edit/{key?}"] = AdminPage,
        ["POST /Admin/Templates/Edit/{key?}"] = AdminPage,
        ["POST /Admin/Templates/Edit/{key?}?handler=Delete"] = AdminPage,
        ["GET /Admin/Users"] = AdminPage,
        ["POST /Admin/Users"] = AdminPage,
        ["GET /Admin/Users/Edit/{id}"] = AdminPage,
        ["POST /Admin/Users/Edit/{id}?handler=Lock"] = AdminPage,
        ["POST /Admin/Users/Edit/{id}?handler=ResetPassword"] = AdminPage,
        ["POST /Admin/Users/Edit/{id}?handler=Roles"] = AdminPage,
        ["POST /Admin/Users/Edit/{id}?handler=Unlock"] = AdminPage,
        ["GET /hangfire/{**path}"] = AdminPage,

        // The staff JSON API: an API key or a signed-in member of staff.
        ["GET /api/alerts/"] = StaffApi,
        ["POST /api/alerts/"] = StaffApi,
        ["GET /api/alerts/{id:guid}"] = StaffApi,
        ["PUT /api/alerts/{id:guid}"] = StaffApi,
        ["POST /api/alerts/{id:guid}/approve"] = StaffApi,
        ["POST /api/alerts/{id:guid}/reject"] = StaffApi,
        ["POST /api/alerts/{id:guid}/withdraw"] = StaffApi,
        ["POST /api/alerts/{id:guid}/deliveries/{channel}/retry-failed"] = StaffApi,
        ["GET /api/alerts/{id:guid}/progress"] = StaffApi,
        // The OpenAPI document is not under /api: a browser without a session is sent to sign in.
        ["GET /openapi/v1.json"] = new(SignIn, Allowed, Allowed, Allowed, Allowed),

        // Subscriber lists: an API key (the CRM export) or an Admin.
        ["POST /api/subscribers/import"] = SubscriberApi,
        ["GET /api/subscribers/stats"] = SubscriberApi,

        // The public surface: banner, feeds, the demo page, subscription pages, health.
        ["GET /api/banner/current"] = Public,
        ["GET /api/banner/current.html"] = Public,
        ["GET /banner.js"] = Public,
        ["GET /banner.css"] = Public,
        ["GET /css/public.css"] = Public,
        ["GET /demo"] = Public,
        ["GET /feeds/alerts.atom"] = Public,
        ["GET /feeds/alerts.cap.xml"] = Public,
        ["GET /health/live"] = Public,
        ["GET /health/ready"] = Public,
        // Guarded by network, not by sign-in (Prometheus has no cookie): off the allowed networks it is a
        // 404 for everyone, this in-process server included; Metrics/MetricsTests cover who may read it.
        ["GET /metrics"] = Public,
        ["GET /subscribe"] = Public,
        ["POST /subscribe"] = Public,
        ["GET /subscribe/confirm"] = Public,
        ["POST /subscribe/confirm"] = Public,
        ["GET /subscriptions/manage"] = Public,
        ["POST /subscriptions/manage"] = Public,
        ["GET /unsubscribe"] = Public,
        ["POST /unsubscribe"] = Public,
        ["GET /sms/subscribe"] = Public,
        ["POST /sms/subscribe"] = Public,
        ["GET /sms/verify"] = Public,
        ["POST /sms/verify"] = Public,

        // SMS provider webhooks (no Twilio auth token or Notify callback token here: nothing can sign).
        ["POST /sms/receipts/twilio"] = ProviderSigned,
        ["POST /sms/inbound/twilio"] = ProviderSigned,
        ["POST /sms/receipts/notify"] = ProviderSigned,
        ["POST /sms/inbound/notify"] = ProviderSigned,
    };

    [Fact]
    public async Task Every_endpoint_has_a_rule_and_every_rule_an_endpoint()
    {
        var endpoints = (await EndpointCatalog.ListAsync(fixture.App.Services)).Select(e => e.Key).ToHashSet();

        var withoutRule = endpoints.Except(Rules.Keys).Order(StringComparer.Ordinal).ToList();
        Assert.True(withoutRule.Count == 0, "Endpoints with no row in the authorisation matrix (add one):\n" + string.Join("\n", withoutRule));
        var stale = Rules.Keys.Except(endpoints).Order(StringComparer.Ordinal).ToList();
        Assert.True(stale.Count == 0, "Rows for endpoints the app no longer has (remove them):\n" + string.Join("\n", stale));
    }

    [Theory]
    [InlineData(Principal.Anonymous)]
    [InlineData(Principal.Author)]
    [InlineData(Principal.Approver)]
    [InlineData(Principal.Admin)]
    [InlineData(Principal.ApiKey)]
    public async Task Every_endpoint_lets_in_exactly_whom_its_rule_says(Principal principal)
    {
        var endpoints = await EndpointCatalog.ListAsync(fixture.App.Services);
        var wrong = new StringBuilder();
        foreach (var endpoint in endpoints.Where(e => Rules.ContainsKey(e.Key)))
        {
            // Signing out ends the session: that row gets a session of its own.
            var client = await fixture.ClientAsync(principal, fresh: endpoint.Pattern == "/Account/SignOut");
            using var response = await SecurityApp.CallAsync(client, endpoint);
            var actual = Classify(response);
            var expected = Rules[endpoint.Key].For(principal);
            if (actual != expected)
            {
                wrong.AppendLine($"{endpoint.Key,-62} expected {expected,-12} got {actual} ({(int)response.StatusCode} {response.Headers.Location})");
            }

            if (actual == Unauthorized)
            {
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            }
        }

        Assert.True(wrong.Length == 0, $"As {principal}:\n{wrong}");
    }

    private static Access Classify(HttpResponseMessage response) => response switch
    {
        { StatusCode: HttpStatusCode.Unauthorized } => Unauthorized,
        { StatusCode: HttpStatusCode.Forbidden } => Denied,
        _ when SecurityApp.IsRedirectTo(response, "/Account/AccessDenied") => Denied,
        // The challenge names the page to come back to; signing out also lands on the sign-in page, without one.
        _ when SecurityApp.IsRedirectTo(response, "/Account/SignIn") && response.Headers.Location!.OriginalString.Contains("ReturnUrl=", StringComparison.Ordinal) => SignIn,
        _ => Allowed,
    };
}
