using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using AlertBroadcaster.Channels.Sms;
using AlertBroadcaster.Dashboard.Tests.Email;
using AlertBroadcaster.Dashboard.Tests.Jobs;
using AlertBroadcaster.TestSupport;
using Hangfire.States;
using Microsoft.AspNetCore.Mvc.Testing;

namespace AlertBroadcaster.Dashboard.Tests.Sms;

/// <summary>The SMS channel end to end: the embedded host, Hangfire on SQLite, a fake provider speaking Twilio's and Notify's APIs.</summary>
public sealed class SmsChannelTests : IAsyncLifetime
{
    private FakeSmsProvider _fake = null!;
    private DashboardApp _app = null!;
    private HttpClient _api = null!;

    public async Task InitializeAsync() => _fake = await FakeSmsProvider.StartAsync();

    private void Start(Dictionary<string, string> settings)
    {
        _app = new DashboardApp { Settings = settings };
        _api = _app.CreateApiClient();
        // Receipts and inbound texts reach the in-memory host through its own client.
        _fake.CallbackClient = _app.CreateClient();
        _fake.NotifyReceiptUrl = new Uri($"{SmsTestCalls.PublicBaseUrl}/sms/receipts/notify");
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        await _fake.DisposeAsync();
    }

    private async Task ImportNumbersAsync(int count, int from = 1)
    {
        var imported = await _api.ImportAsync(EmailTestCalls.Csv(Enumerable.Range(from, count).Select(i => $",{SmsTestCalls.Mobile(i)},,")));
        Assert.Equal(count, imported.GetProperty("imported").GetInt32());
    }

    [Fact]
    public async Task Two_thousand_numbers_get_the_text_exactly_once_and_receipts_count_as_delivered()
    {
        Start(SmsTestCalls.TwilioSettings(_fake));
        await ImportNumbersAsync(2000);

        var alert = await _api.CreateSmsAlertAsync("Visiting suspended", smsText: "Visiting at the John Radcliffe is suspended from today. Details: ouh.nhs.uk/visiting");
        var counts = await _api.WaitForSmsCountsAsync(alert, c => c.Count("delivered") == 2000 && c.Count("pending") == 0,
            "2,000 texts sent and receipted", TimeSpan.FromSeconds(120));
        Assert.Equal((2000, 0), (counts.Count("sent"), counts.Count("failed")));

        var perNumber = _fake.AcceptedPerNumber();
        Assert.Equal(2000, perNumber.Count);
        Assert.All(perNumber.Values, n => Assert.Equal(1, n));
        var text = _fake.Accepted[0].Body;
        Assert.StartsWith("Visiting at the John Radcliffe is suspended from today.", text);
        Assert.EndsWith("\nReply STOP to stop these alerts", text);
        // Twilio is given our callback with our reference.
        Assert.StartsWith($"{SmsTestCalls.PublicBaseUrl}/sms/receipts/twilio?reference=", _fake.Accepted[0].Reference);
    }

    [Fact]
    public async Task A_burst_of_429s_and_a_minute_long_outage_lose_no_one()
    {
        Start(SmsTestCalls.TwilioSettings(_fake, perSecond: 50));
        await ImportNumbersAsync(40);
        _fake.Script(Enumerable.Repeat(429, 15).ToArray());
        var first = await _api.CreateSmsAlertAsync("Parking closed", smsText: "The multi-storey car park is closed today.");
        await _api.WaitForSmsCountsAsync(first, c => c.Count("sent") == 40 && c.Count("pending") == 0, "every text sent after the 429s");
        Assert.Contains(_fake.Requests, r => r.Status == 429);

        _fake.GoDown(TimeSpan.FromSeconds(60));
        var second = await _api.CreateSmsAlertAsync("Visiting suspended", smsText: "Visiting is suspended on all wards today.");
        await Poll.UntilAsync(() => Task.FromResult(_fake.Requests.Count(r => r.Status == 503)), n => n > 0, TimeSpan.FromSeconds(30), "the outage to be seen");
        // During the outage every recipient is still accounted for: sent before it, or pending. The
        // counts come from the fan-out's report, which may land after the first 503: wait for them.
        await _api.WaitForSmsCountsAsync(second, c => c.Count("pending") + c.Count("sent") == 40, "the outage's send counted", TimeSpan.FromSeconds(30));

        var counts = await _api.WaitForSmsCountsAsync(second, c => c.Count("sent") == 40 && c.Count("pending") == 0,
            "every text sent after the outage", TimeSpan.FromSeconds(240));
        Assert.Equal(0, counts.Count("failed"));
        var perNumber = _fake.Accepted.Where(r => r.Body.StartsWith("Visiting is suspended", StringComparison.Ordinal)).GroupBy(r => r.To).ToList();
        Assert.Equal(40, perNumber.Count);
        Assert.All(perNumber, g => Assert.Single(g));
    }

    [Fact]
    public async Task A_batch_whose_retries_run_out_marks_its_numbers_failed_and_they_can_be_retried()
    {
        Start(SmsTestCalls.TwilioSettings(_fake, perSecond: 50));
        await ImportNumbersAsync(3);
        // Down for longer than the test, each answer with Retry-After: 1, so each run's own tries take seconds.
        _fake.GoDown(TimeSpan.FromHours(1), retryAfter: true);
        var alert = await _api.CreateSmsAlertAsync("Sent while the provider is down for hours", smsText: "The Horton's outpatient clinics are closed today.");

        // Its batch fails and waits for a retry. Hangfire gives up after 20 attempts (about 10 h of
        // backoff); here the batch runs its last attempt at once, with the provider still down. (With
        // the tests' 15 s job take-over, a first run is usually still waiting out the provider's open
        // circuit then, holding the numbers: the give-up marks them too, and that run records them.)
        var batch = await _app.Services.RunTheLastAttemptOfAsync<SendSmsBatchJob>(attempts: 20);

        // Given up: failed, nothing pending, so the send is complete and the failed can be retried.
        await _api.WaitForSmsCountsAsync(alert, c => c.Count("failed") == 3 && c.Count("pending") == 0,
            "the batch's numbers marked failed when it gave up", TimeSpan.FromSeconds(90));
        Assert.Equal(FailedState.StateName, _app.Services.StateOf(batch));
        Assert.Empty(_fake.Accepted);

        _fake.ComeBack();
        var retry = await _api.PostAsync($"/api/alerts/{alert}/deliveries/sms/retry-failed", null);
        Assert.Equal(3, (await retry.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("retried").GetInt32());
        await _api.WaitForSmsCountsAsync(alert, c => c.Count("delivered") == 3 && c.Count("failed") == 0 && c.Count("pending") == 0,
            "the retried numbers texted and their receipts applied", TimeSpan.FromSeconds(90));
        Assert.Equal(3, _fake.AcceptedPerNumber().Count);
        Assert.All(_fake.AcceptedPerNumber().Values, n => Assert.Equal(1, n));
    }

    [Fact]
    public async Task Receipts_and_refusals_update_the_counts()
    {
        Start(SmsTestCalls.TwilioSettings(_fake));
        await ImportNumbersAsync(10);
        _fake.UndeliverableNumbers.Add(SmsTestCalls.Mobile(3));
        _fake.RefusedNumbers.Add(SmsTestCalls.Mobile(7));

        var alert = await _api.CreateSmsAlertAsync("Clinic moved", smsText: "The fracture clinic has moved to level 2.");
        var counts = await _api.WaitForSmsCountsAsync(alert, c => c.Count("delivered") == 8 && c.Count("failed") == 2 && c.Count("pending") == 0, "8 delivered, 2 failed");
        // One refused outright (400), one taken but its receipt says undelivered: both failed, neither counts as sent.
        Assert.Equal(8, counts.Count("sent"));
        Assert.Equal(10, _fake.Requests.Count);
    }

    [Fact]
    public async Task A_stop_reply_unsubscribes_at_once_and_later_alerts_skip_the_number()
    {
        Start(SmsTestCalls.TwilioSettings(_fake));
        await ImportNumbersAsync(3);
        var inbound = new Uri($"{SmsTestCalls.PublicBaseUrl}/sms/inbound/twilio");

        var stop = await _fake.TwilioInboundAsync(inbound, SmsTestCalls.Mobile(2), " stop ");
        Assert.Equal(HttpStatusCode.OK, stop.StatusCode);
        Assert.Contains("<Response>", await stop.Content.ReadAsStringAsync());

        // Not from Twilio: refused, changes nothing.
        var forged = await _app.CreateClient().PostAsync("/sms/inbound/twilio",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["From"] = SmsTestCalls.Mobile(1), ["Body"] = "STOP" }));
        Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);

        var alert = await _api.CreateSmsAlertAsync("Visiting suspended");
        await _api.WaitForSmsCountsAsync(alert, c => c.Count("sent") == 2 && c.Count("pending") == 0, "2 texts");
        Assert.Equal([SmsTestCalls.Mobile(1), SmsTestCalls.Mobile(3)], _fake.Accepted.Select(r => r.To).Order().ToList());

        var stats = await _api.GetFromJsonAsync<JsonElement>("/api/subscribers/stats");
        Assert.Contains("\"unsubscribed\":1", stats.GetRawText().Replace(" ", "", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Notify_gets_a_signed_token_and_its_receipts_and_stop_replies_are_applied()
    {
        Start(SmsTestCalls.NotifySettings(_fake));
        await ImportNumbersAsync(20);

        var alert = await _api.CreateSmsAlertAsync("Visiting suspended", smsText: "Visiting is suspended today.");
        var counts = await _api.WaitForSmsCountsAsync(alert, c => c.Count("delivered") == 20 && c.Count("pending") == 0, "20 texts receipted by Notify");
        Assert.Equal(20, counts.Count("sent"));
        Assert.All(_fake.Requests, r => Assert.Equal(("Notify", 201), (r.Provider, r.Status)));
        Assert.All(_fake.Accepted, r => Assert.Matches("^[0-9]+$", r.Reference!));

        var inbound = new Uri($"{SmsTestCalls.PublicBaseUrl}/sms/inbound/notify");
        Assert.Equal(HttpStatusCode.NoContent, (await _fake.NotifyInboundAsync(inbound, SmsTestCalls.Mobile(5), "Unsubscribe")).StatusCode);
        var noToken = await _app.CreateClient().PostAsJsonAsync("/sms/inbound/notify", new { source_number = SmsTestCalls.Mobile(6), message = "STOP" });
        Assert.Equal(HttpStatusCode.Forbidden, noToken.StatusCode);

        var next = await _api.CreateSmsAlertAsync("Visiting restored", smsText: "Visiting is back to normal.");
        await _api.WaitForSmsCountsAsync(next, c => c.Count("sent") == 19 && c.Count("pending") == 0, "19 texts");
    }

    [Fact]
    public async Task While_the_first_provider_fails_the_fallback_sends_and_nobody_gets_two()
    {
        var settings = SmsTestCalls.TwilioSettings(_fake, perSecond: 100);
        foreach (var (key, value) in SmsTestCalls.NotifySettings(_fake, perSecond: 100).Where(s => s.Key.StartsWith("Sms:Notify", StringComparison.Ordinal)))
        {
            settings[key] = value;
        }

        settings["Sms:Fallback"] = "Notify";
        Start(settings);
        await ImportNumbersAsync(60);

        // Twilio fails (503) until its circuit opens; then Notify takes the rest.
        _fake.GoDown(TimeSpan.FromMinutes(10), "Twilio");
        var alert = await _api.CreateSmsAlertAsync("Visiting suspended", smsText: "Visiting is suspended today.");
        await _api.WaitForSmsCountsAsync(alert, c => c.Count("sent") == 60 && c.Count("pending") == 0, "60 texts via the fallback", TimeSpan.FromSeconds(120));

        Assert.Contains(_fake.Requests, r => r.Provider == "Twilio" && r.Status == 503);
        Assert.Contains(_fake.Requests, r => r.Provider == "Notify" && r.Status == 201);
        var perNumber = _fake.AcceptedPerNumber();
        Assert.Equal(60, perNumber.Count);
        Assert.All(perNumber.Values, n => Assert.Equal(1, n));
    }

    [Fact]
    public async Task A_text_over_the_part_limit_is_refused_when_the_alert_is_written()
    {
        Start(SmsTestCalls.TwilioSettings(_fake));
        var response = await _api.PostAsJsonAsync("/api/alerts", new { headline = "Long", smsText = new string('a', 320), channels = new[] { "sms" } });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        var message = problem.GetProperty("errors").GetProperty("smsText")[0].GetString();
        Assert.Contains("3 parts", message);
        Assert.Contains("the limit is 2", message);
    }

    [Fact]
    public async Task Subscribing_by_text_takes_the_code_we_sent()
    {
        Start(SmsTestCalls.TwilioSettings(_fake));
        var browser = _app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var form = await browser.GetStringAsync("/sms/subscribe");
        var asked = await browser.PostAsync("/sms/subscribe", Form(("Number", "07400 111222"), ("Sites", "horton"), ("__RequestVerificationToken", Token(form))));
        Assert.Equal(HttpStatusCode.Redirect, asked.StatusCode);
        var verifyPage = asked.Headers.Location!.ToString();

        var code = Regex.Match(Assert.Single(_fake.Accepted).Body, "^[0-9]{6}").Value;
        Assert.Equal("+447400111222", _fake.Accepted[0].To);
        var page = await browser.GetStringAsync(verifyPage);
        Assert.Contains("number ending 222", page);
        var reference = Regex.Match(verifyPage, "reference=([^&]+)").Groups[1].Value;

        var wrong = await browser.PostAsync("/sms/verify", Form(("Reference", Uri.UnescapeDataString(reference)), ("Code", code == "000000" ? "111111" : "000000"), ("__RequestVerificationToken", Token(page))));
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        Assert.Contains("The code is not right", await wrong.Content.ReadAsStringAsync());

        var right = await browser.PostAsync("/sms/verify", Form(("Reference", Uri.UnescapeDataString(reference)), ("Code", code), ("__RequestVerificationToken", Token(page))));
        Assert.Contains("You're subscribed", await right.Content.ReadAsStringAsync());

        var alert = await _api.CreateSmsAlertAsync("Visiting suspended at the Horton", sites: ["horton"]);
        await _api.WaitForSmsCountsAsync(alert, c => c.Count("sent") == 1 && c.Count("pending") == 0, "the new subscriber's text");
        Assert.Equal("+447400111222", _fake.Accepted[^1].To);
    }

    [Fact]
    public async Task Five_wrong_codes_and_the_code_stops_working()
    {
        Start(SmsTestCalls.TwilioSettings(_fake));
        var browser = _app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var form = await browser.GetStringAsync("/sms/subscribe");
        var asked = await browser.PostAsync("/sms/subscribe", Form(("Number", "07400 111333"), ("__RequestVerificationToken", Token(form))));
        var reference = Uri.UnescapeDataString(Regex.Match(asked.Headers.Location!.ToString(), "reference=([^&]+)").Groups[1].Value);
        var code = Regex.Match(Assert.Single(_fake.Accepted).Body, "^[0-9]{6}").Value;
        var page = await browser.GetStringAsync(asked.Headers.Location!.ToString());
        var wrongCode = code == "000000" ? "111111" : "000000";
        for (var i = 0; i < 4; i++)
        {
            Assert.Contains("The code is not right", await (await browser.PostAsync("/sms/verify", Form(("Reference", reference), ("Code", wrongCode), ("__RequestVerificationToken", Token(page))))).Content.ReadAsStringAsync());
        }

        Assert.Contains("Too many wrong codes", await (await browser.PostAsync("/sms/verify", Form(("Reference", reference), ("Code", wrongCode), ("__RequestVerificationToken", Token(page))))).Content.ReadAsStringAsync());
        // Even the right code no longer works.
        Assert.Contains("Too many wrong codes", await (await browser.PostAsync("/sms/verify", Form(("Reference", reference), ("Code", code), ("__RequestVerificationToken", Token(page))))).Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Code_requests_are_limited_per_number_per_address_and_per_day()
    {
        var settings = SmsTestCalls.TwilioSettings(_fake);
        settings["Sms:Verification:CodesPerNumberPerHour"] = "2";
        settings["Sms:Verification:DailyCap"] = "3";
        settings["Sms:Verification:RequestsPerAddressPer15Minutes"] = "4";
        Start(settings);
        var browser = _app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var form = await browser.GetStringAsync("/sms/subscribe");
        async Task<HttpResponseMessage> Ask(string number) =>
            await browser.PostAsync("/sms/subscribe", Form(("Number", number), ("__RequestVerificationToken", Token(form))));

        Assert.Equal(HttpStatusCode.Redirect, (await Ask("07400 222001")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await Ask("07400 222001")).StatusCode);
        var perNumber = await Ask("07400 222001");
        Assert.Equal(HttpStatusCode.BadRequest, perNumber.StatusCode);
        Assert.Contains("already sent several codes to this number", await perNumber.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.Redirect, (await Ask("07400 222002")).StatusCode);
        var perAddress = await Ask("07400 222003");
        Assert.Equal(HttpStatusCode.TooManyRequests, perAddress.StatusCode);
        Assert.Contains("Too many requests", await perAddress.Content.ReadAsStringAsync());
        Assert.Equal(3, _fake.Accepted.Count);
    }

    [Fact]
    public async Task The_daily_cap_stops_codes_for_everyone_with_a_clear_message()
    {
        var settings = SmsTestCalls.TwilioSettings(_fake);
        settings["Sms:Verification:DailyCap"] = "2";
        Start(settings);
        var browser = _app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var form = await browser.GetStringAsync("/sms/subscribe");
        foreach (var number in new[] { "07400 333001", "07400 333002" })
        {
            Assert.Equal(HttpStatusCode.Redirect, (await browser.PostAsync("/sms/subscribe", Form(("Number", number), ("__RequestVerificationToken", Token(form))))).StatusCode);
        }

        var capped = await browser.PostAsync("/sms/subscribe", Form(("Number", "07400 333003"), ("__RequestVerificationToken", Token(form))));
        Assert.Equal(HttpStatusCode.BadRequest, capped.StatusCode);
        Assert.Contains("send any more codes today", await capped.Content.ReadAsStringAsync());
        Assert.Equal(2, _fake.Accepted.Count);
    }

    [Theory]
    [InlineData("01865 741166", "landline")]
    [InlineData("09098 790123", "Premium-rate")]
    [InlineData("+33 6 12 34 56 78", "the UK")]
    [InlineData("07400 12", "not a valid phone number")]
    public async Task Numbers_that_cannot_or_must_not_be_texted_are_refused_with_a_reason(string number, string reason)
    {
        Start(SmsTestCalls.TwilioSettings(_fake));
        var browser = _app.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true });
        var form = await browser.GetStringAsync("/sms/subscribe");
        var response = await browser.PostAsync("/sms/subscribe", Form(("Number", number), ("__RequestVerificationToken", Token(form))));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(reason, await response.Content.ReadAsStringAsync());
        Assert.Empty(_fake.Requests);

        var imported = await _api.ImportAsync(EmailTestCalls.Csv([$",{number},,"]));
        Assert.Contains(reason, imported.GetProperty("rejected")[0].GetProperty("reason").GetString());
    }

    private static string Token(string page) => Antiforgery.TokenIn(page);

    private static FormUrlEncodedContent Form(params (string Key, string Value)[] fields) =>
        new(fields.Select(f => KeyValuePair.Create(f.Key, f.Value)));
}
