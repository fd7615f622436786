using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using AlertBroadcaster.Channels.Email;
using AlertBroadcaster.Dashboard.Tests.Account;
using AlertBroadcaster.Dashboard.Tests.Jobs;
using AlertBroadcaster.TestSupport;
using Hangfire.States;
using Microsoft.AspNetCore.Mvc.Testing;

namespace AlertBroadcaster.Dashboard.Tests.Email;

/// <summary>The email channel end to end: the embedded host, Hangfire on SQLite, a real SMTP server.</summary>
public sealed class EmailChannelTests : IAsyncLifetime
{
    private readonly TestSmtpServer _smtp = TestSmtpServer.Start();
    private DashboardApp _app = null!;
    private HttpClient _api = null!;

    public Task InitializeAsync()
    {
        _app = new DashboardApp { Smtp = _smtp };
        _api = _app.CreateApiClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _smtp.DisposeAsync();
    }

    private static FormUrlEncodedContent Form(params (string Key, string Value)[] fields) =>
        new(fields.Select(f => KeyValuePair.Create(f.Key, f.Value)));

    [Fact]
    public async Task Double_opt_in_by_following_the_link_in_the_email()
    {
        var browser = _app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var form = await browser.GetStringAsync("/subscribe");
        Assert.Contains("Get hospital alerts by email", form);

        var subscribed = await browser.PostAsync("/subscribe", Form(
            ("Email", "Patient@Example.NHS.uk"), ("Sites", "horton"), ("__RequestVerificationToken", Antiforgery.TokenIn(form))));
        Assert.Equal(HttpStatusCode.OK, subscribed.StatusCode);
        Assert.Contains("Check your email", await subscribed.Content.ReadAsStringAsync());

        await Poll.UntilAsync(() => Task.FromResult(_smtp.Messages.Count == 1), TimeSpan.FromSeconds(30), "the confirmation email");
        var confirmation = _smtp.Messages.Single();
        Assert.Equal("Patient@example.nhs.uk", confirmation.To.Mailboxes.Single().Address);
        var link = EmailTestCalls.LinkIn(confirmation, "/subscribe/confirm");

        // Opening the link does not subscribe (mail scanners open links); the button does.
        var page = await browser.GetStringAsync(link);
        Assert.Contains("Confirm subscription", page);
        var confirm = Form(("token", Regex.Match(link, "token=([^&]+)").Groups[1].Value), ("__RequestVerificationToken", Antiforgery.TokenIn(page)));
        var confirmed = await browser.PostAsync("/subscribe/confirm", confirm);
        Assert.Contains("You're subscribed", await confirmed.Content.ReadAsStringAsync());

        var again = await browser.PostAsync("/subscribe/confirm", Form(
            ("token", Regex.Match(link, "token=([^&]+)").Groups[1].Value), ("__RequestVerificationToken", Antiforgery.TokenIn(page))));
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);

        var alert = await _api.CreateEmailAlertAsync("Visiting suspended at the Horton", sites: ["horton"]);
        await _api.WaitUntilDeliveredAsync(alert, sent: 1);
        Assert.Equal(["patient@example.nhs.uk"], _smtp.RecipientsOf(alert));
    }

    [Fact]
    public async Task A_bad_address_is_refused_with_a_clear_message()
    {
        var browser = _app.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true });
        var form = await browser.GetStringAsync("/subscribe");
        var response = await browser.PostAsync("/subscribe", Form(("Email", "not an address"), ("__RequestVerificationToken", Antiforgery.TokenIn(form))));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Enter an email address in the correct format", await response.Content.ReadAsStringAsync());
        Assert.Empty(_smtp.Messages);
    }

    [Fact]
    public async Task Alerts_reach_only_the_subscribers_of_their_site_and_topic()
    {
        var imported = await _api.ImportAsync(EmailTestCalls.Csv([
            "everything@example.com,,,",
            "horton@example.com,,horton,",
            "churchill@example.com,,churchill,",
            "horton-masks@example.com,,horton,FaceCoverings",
            "not-an-address,,,",
            "unknown-site@example.com,,nowhere,",
        ]));
        Assert.Equal(4, imported.GetProperty("imported").GetInt32());
        Assert.Equal([6, 7], imported.GetProperty("rejected").EnumerateArray().Select(r => r.GetProperty("line").GetInt32()));

        var visiting = await _api.CreateEmailAlertAsync("Visiting restrictions at the Horton", sites: ["horton"], kind: "VisitingRestrictions");
        await _api.WaitUntilDeliveredAsync(visiting, sent: 2);
        Assert.Equal(["everything@example.com", "horton@example.com"], _smtp.RecipientsOf(visiting).Order());

        var masks = await _api.CreateEmailAlertAsync("Face coverings everywhere", kind: "FaceCoverings");
        await _api.WaitUntilDeliveredAsync(masks, sent: 4);
    }

    [Fact]
    public Task Five_thousand_imported_subscribers_each_get_the_alert_once() =>
        _api.SendToManyAndCheckEachGotItOnceAsync(_smtp, 5000, TimeSpan.FromMinutes(3));

    [Fact]
    public async Task One_click_unsubscribe_stops_later_mail()
    {
        await _api.ImportAsync(EmailTestCalls.Csv(["leaving@example.com,,,", "staying@example.com,,,"]));
        var first = await _api.CreateEmailAlertAsync("First alert");
        await _api.WaitUntilDeliveredAsync(first, sent: 2);
        var message = _smtp.About(first).Single(m => m.To.Mailboxes.Single().Address == "leaving@example.com");

        Assert.Equal("List-Unsubscribe=One-Click", message.Headers["List-Unsubscribe-Post"]);
        var unsubscribe = new Uri(message.Headers["List-Unsubscribe"]!.Trim('<', '>'));
        // What a mail client sends (RFC 8058): a POST with that body, no cookies, no page.
        var oneClick = await _app.CreateClient().PostAsync(unsubscribe.PathAndQuery, Form(("List-Unsubscribe", "One-Click")));
        Assert.Equal(HttpStatusCode.OK, oneClick.StatusCode);

        var second = await _api.CreateEmailAlertAsync("Second alert");
        await _api.WaitUntilDeliveredAsync(second, sent: 1);
        Assert.Equal(["staying@example.com"], _smtp.RecipientsOf(second));
    }

    [Fact]
    public async Task Mail_server_down_at_the_start_then_back_loses_no_one()
    {
        await _api.ImportAsync(EmailTestCalls.Csv(Enumerable.Range(1, 50).Select(i => $"patient{i}@example.com,,,")));
        await _smtp.PauseAsync();

        var alert = await _api.CreateEmailAlertAsync("Sent while the mail server is down");
        await Poll.UntilAsync(() => _api.EmailDeliveryAsync(alert), d => d.GetProperty("pending").GetInt32() == 50,
            TimeSpan.FromSeconds(30), "the recipients pending while the server is down");

        _smtp.Resume();
        await _api.WaitUntilDeliveredAsync(alert, sent: 50, TimeSpan.FromMinutes(2));
        Assert.Equal(50, _smtp.RecipientsOf(alert).Distinct().Count());
    }

    [Fact]
    public async Task A_batch_whose_retries_run_out_marks_its_recipients_failed_and_they_can_be_retried()
    {
        await _api.ImportAsync(EmailTestCalls.Csv(Enumerable.Range(1, 3).Select(i => $"patient{i}@example.com,,,")));
        await _smtp.PauseAsync();
        var alert = await _api.CreateEmailAlertAsync("Sent while the mail server is down for hours");

        // Its batch fails and waits for a retry. Hangfire gives up after 15 attempts (about 3.4 h of
        // backoff); here the batch runs its last attempt at once, with the server still down.
        var batch = await _app.Services.RunTheLastAttemptOfAsync<SendEmailBatchJob>(attempts: 15);

        // Given up: failed, nothing pending, so the send is complete and the failed can be retried.
        await Poll.UntilAsync(() => _api.EmailDeliveryAsync(alert),
            d => d.GetProperty("failed").GetInt32() == 3 && d.GetProperty("pending").GetInt32() == 0,
            TimeSpan.FromSeconds(60), "the batch's recipients marked failed when it gave up");
        Assert.Equal(FailedState.StateName, _app.Services.StateOf(batch));

        _smtp.Resume();
        var retry = await _api.PostAsync($"/api/alerts/{alert}/deliveries/email/retry-failed", null);
        Assert.Equal(3, (await retry.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("retried").GetInt32());
        await _api.WaitUntilDeliveredAsync(alert, sent: 3, TimeSpan.FromMinutes(2));
        Assert.Equal(3, _smtp.RecipientsOf(alert).Distinct().Count());
    }

    [Fact]
    public async Task A_refused_recipient_is_marked_failed_and_can_be_retried()
    {
        await _api.ImportAsync(EmailTestCalls.Csv(["gone@example.com,,,", "here@example.com,,,"]));
        _smtp.Refuse("gone@example.com");

        var alert = await _api.CreateEmailAlertAsync("One address is refused");
        await Poll.UntilAsync(() => _api.EmailDeliveryAsync(alert),
            d => d.GetProperty("sent").GetInt32() == 1 && d.GetProperty("failed").GetInt32() == 1 && d.GetProperty("pending").GetInt32() == 0,
            TimeSpan.FromSeconds(60), "one sent, one failed");

        Assert.Equal(1, _smtp.RefusalsOf("gone@example.com"));

        var retry = await _api.PostAsync($"/api/alerts/{alert}/deliveries/email/retry-failed", null);
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.Equal(1, (await retry.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("retried").GetInt32());
        // The counts after the retry look as they did before it, so the server is the evidence: the
        // retried recipient was offered again (and refused again), and the other one was not sent twice.
        await Poll.UntilAsync(() => Task.FromResult(_smtp.RefusalsOf("gone@example.com")), n => n == 2, TimeSpan.FromSeconds(60), "the retried recipient offered again");
        await Poll.UntilAsync(() => _api.EmailDeliveryAsync(alert),
            d => d.GetProperty("failed").GetInt32() == 1 && d.GetProperty("pending").GetInt32() == 0,
            TimeSpan.FromSeconds(60), "the retried recipient failed again");
        Assert.Equal(["here@example.com"], _smtp.RecipientsOf(alert));
    }

    [Fact]
    public async Task Retry_failed_on_the_alerts_page_sends_again_to_the_recipients_who_failed()
    {
        await _api.ImportAsync(EmailTestCalls.Csv(["mailbox.full@example.com,,,", "fine@example.com,,,"]));
        _smtp.Refuse("mailbox.full@example.com");
        var alert = await _api.CreateEmailAlertAsync("Retried from the page");
        await Poll.UntilAsync(() => _api.EmailDeliveryAsync(alert), d => d.GetProperty("failed").GetInt32() == 1 && d.GetProperty("pending").GetInt32() == 0,
            TimeSpan.FromSeconds(60), "one failed");

        // The comms officer sees the failure and, once the mailbox has room, retries from the alert's page.
        var staff = await SignInTests.SignedInClientAsync(_app);
        var page = await staff.GetStringAsync($"/Alerts/Details/{alert}");
        Assert.Contains("Retry failed", page);
        _smtp.Accept("mailbox.full@example.com");
        var token = await SignInTests.TokenFromAsync(staff, $"/Alerts/Details/{alert}");
        var retried = await staff.PostAsync($"/Alerts/Details/{alert}?handler=RetryFailed&channel=email",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));
        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        Assert.Contains("1 failed message is being sent again.", await retried.Content.ReadAsStringAsync());

        await _api.WaitUntilDeliveredAsync(alert, sent: 2, TimeSpan.FromSeconds(60));
        Assert.Equal(["fine@example.com", "mailbox.full@example.com"], _smtp.RecipientsOf(alert).Order());
    }

    [Fact]
    public async Task Script_and_markup_in_the_alert_arrive_inert()
    {
        await _api.ImportAsync(EmailTestCalls.Csv(["reader@example.com,,,"]));
        var created = await _api.CreateAlertAsync(new
        {
            headline = "<script>alert(1)</script> Visiting",
            body = "Hello <img src=x onerror=alert(1)> [click](javascript:alert(1)) **bold**",
            link = new { text = "<b onmouseover=alert(1)>More</b>", url = "https://www.ouh.nhs.uk/?q=<script>" },
            channels = new[] { "email" },
        });
        var alert = created.GetProperty("id").GetGuid();
        await _api.WaitUntilDeliveredAsync(alert, sent: 1);

        // Shown as text (encoded), never as markup.
        var html = _smtp.About(alert).Single().HtmlBody;
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<b ", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("javascript:", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt; Visiting", html);
        Assert.Contains("<strong>bold</strong>", html);
    }

    [Fact]
    public async Task Import_and_stats_need_an_api_key_or_an_administrator()
    {
        var anonymous = await _app.CreateClient().PostAsync("/api/subscribers/import", new StringContent("email\n", System.Text.Encoding.UTF8, "text/csv"));
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);

        var badHeader = await _api.PostAsync("/api/subscribers/import", new StringContent("name,address\n", System.Text.Encoding.UTF8, "text/csv"));
        Assert.Equal(HttpStatusCode.BadRequest, badHeader.StatusCode);
        Assert.Contains("email,phone,sites,topics", await badHeader.Content.ReadAsStringAsync());

        await _api.ImportAsync(EmailTestCalls.Csv(["a@example.com,,horton,", "b@example.com,,,"]));
        var admin = await SignInTests.SignedInClientAsync(_app);
        var stats = await admin.GetStringAsync("/api/subscribers/stats");
        using var json = System.Text.Json.JsonDocument.Parse(stats);
        var email = json.RootElement.GetProperty("email");
        Assert.Equal(2, email.GetProperty("active").GetInt32());
        Assert.Equal(2, email.GetProperty("activeBySite").GetProperty("horton").GetInt32());
        Assert.Equal(1, email.GetProperty("activeBySite").GetProperty("churchill").GetInt32());
    }

    [Fact]
    public async Task Withdrawn_with_notification_those_already_emailed_get_a_short_note()
    {
        await _api.ImportAsync(EmailTestCalls.Csv(["told@example.com,,,"]));
        var alert = await _api.CreateEmailAlertAsync("Clinic moved to the Churchill");
        await _api.WaitUntilDeliveredAsync(alert, sent: 1);

        var withdrawn = await _api.PostAsync($"/api/alerts/{alert}/withdraw?notifySubscribers=true", null);
        Assert.Equal(HttpStatusCode.OK, withdrawn.StatusCode);

        await Poll.UntilAsync(() => Task.FromResult(_smtp.About(alert).Count == 2), TimeSpan.FromSeconds(30), "the withdrawal note");
        var note = _smtp.About(alert).Single(m => m.Subject?.StartsWith("Withdrawn:", StringComparison.Ordinal) == true);
        Assert.Equal("told@example.com", note.To.Mailboxes.Single().Address);
        Assert.Contains("no longer applies", note.TextBody);
    }

    [Fact]
    public async Task Withdrawn_while_the_mail_server_is_down_nothing_more_is_sent()
    {
        await _api.ImportAsync(EmailTestCalls.Csv(Enumerable.Range(1, 300).Select(i => $"patient{i}@example.com,,,")));
        await _smtp.PauseAsync();
        var alert = await _api.CreateEmailAlertAsync("Withdrawn before it could be sent");
        await Poll.UntilAsync(() => _api.EmailDeliveryAsync(alert), d => d.GetProperty("pending").GetInt32() == 300,
            TimeSpan.FromSeconds(30), "the recipients waiting for the mail server");

        Assert.Equal(HttpStatusCode.OK, (await _api.PostAsync($"/api/alerts/{alert}/withdraw", null)).StatusCode);
        await Poll.UntilAsync(() => _api.EmailDeliveryAsync(alert), d => d.GetProperty("pending").GetInt32() == 0,
            TimeSpan.FromSeconds(30), "the waiting batches cancelled");

        // A control alert proves the server is back and batches flow: the withdrawn one stays unsent.
        _smtp.Resume();
        var control = await _api.CreateEmailAlertAsync("Sent after the server is back");
        await _api.WaitUntilDeliveredAsync(control, sent: 300, TimeSpan.FromMinutes(2));
        Assert.Empty(_smtp.About(alert));
        Assert.Equal(0, (await _api.EmailDeliveryAsync(alert)).GetProperty("sent").GetInt32());
    }

    [Fact]
    public async Task Repeated_subscribe_requests_from_one_connection_are_limited_with_a_clear_page()
    {
        var browser = _app.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true });
        var form = await browser.GetStringAsync("/subscribe");
        var token = Antiforgery.TokenIn(form);
        HttpResponseMessage response;
        var attempts = 0;
        do
        {
            attempts++;
            response = await browser.PostAsync("/subscribe", Form(("Email", $"someone{attempts}@example.com"), ("__RequestVerificationToken", token)));
        }
        while (response.StatusCode == HttpStatusCode.OK && attempts < 20);

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal(6, attempts);
        Assert.Contains("try again in 15 minutes", await response.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/subscribe")).StatusCode);
    }
}
