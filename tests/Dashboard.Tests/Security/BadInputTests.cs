using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using AlertBroadcaster.Channels.Sms;
using AlertBroadcaster.Channels.Storage;
using AlertBroadcaster.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace AlertBroadcaster.Dashboard.Tests.Security;

/// <summary>The embedded host with one email and one SMS subscriber, and secrets the SMS webhooks can be signed with.</summary>
public sealed class CorpusApp : IAsyncLifetime
{
    public const string TwilioAuthToken = "corpus-twilio-auth-token-0123456789";
    public const string NotifyCallbackToken = "corpus-notify-callback-token-0123456789";
    public const string PublicBaseUrl = "http://localhost";

    public DashboardApp App { get; } = new()
    {
        Settings =
        {
            ["Subscriptions:RequestsPerAddressPer15Minutes"] = "10000",
            ["Sms:Verification:RequestsPerAddressPer15Minutes"] = "10000",
            ["Sms:Twilio:AuthToken"] = TwilioAuthToken,
            ["Sms:Notify:CallbackToken"] = NotifyCallbackToken,
            ["Email:PublicBaseUrl"] = PublicBaseUrl,
        },
    };

    public HttpClient Api { get; private set; } = null!;

    public HttpClient Admin { get; private set; } = null!;

    public string MailPickup => Path.Combine(App.DataDirectory, "mail-pickup");

    public async Task InitializeAsync()
    {
        Api = App.CreateApiClient();
        Admin = await Account.SignInTests.SignedInClientAsync(App);
        var import = await Api.PostAsync("/api/subscribers/import",
            new StringContent("email,phone,sites,topics\ncorpus.reader@example.com,07400 900123,,\n", Encoding.UTF8, "text/csv"));
        Assert.Equal(HttpStatusCode.OK, import.StatusCode);
    }

    public async Task DisposeAsync() => await App.DisposeAsync();

    public async Task<MimeMessage> EmailAboutAsync(string marker) =>
        await Poll.UntilAsync(() => Task.FromResult(
                Directory.Exists(MailPickup)
                    ? Directory.EnumerateFiles(MailPickup, "*.eml").Select(f => MimeMessage.Load(f)).FirstOrDefault(m => m.Subject?.Contains(marker, StringComparison.Ordinal) == true)
                    : null),
            m => m is not null, TimeSpan.FromSeconds(30), $"the email about '{marker}'") ?? throw new InvalidOperationException();

    public async Task<string> TextAboutAsync(string marker)
    {
        return await Poll.UntilAsync(async () =>
        {
            await using var scope = App.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ChannelsDbContext>();
            return (await db.LoggedSms.AsNoTracking().Select(s => s.Body).ToListAsync()).FirstOrDefault(b => b.Contains(marker, StringComparison.Ordinal));
        }, b => b is not null, TimeSpan.FromSeconds(30), $"the text about '{marker}'") ?? throw new InvalidOperationException();
    }
}

/// <summary>
/// The bad-input corpus (<see cref="BadInput"/>) through every input: each value is refused with a
/// clear 4xx (Problem Details from the API, a message on a page), or it is legitimate text that is
/// stored as written and renders inert on the banner, its HTML fragment, the feeds, email, SMS and
/// the Dashboard.
/// </summary>
public sealed class BadInputTests(CorpusApp fixture) : IClassFixture<CorpusApp>
{
    private static int _count;

    public static TheoryData<BadInput.Text> Texts => new(BadInput.Texts);

    public static TheoryData<string> EmailAddresses => new(BadInput.EmailAddresses);

    public static TheoryData<string> PhoneNumbers => new(BadInput.PhoneNumbers);

    public static TheoryData<string, string> MalformedJson => Pairs(BadInput.MalformedJson);

    public static TheoryData<string, string> MalformedCsv => Pairs(BadInput.MalformedCsv);

    private static TheoryData<string, string> Pairs((string, string)[] pairs)
    {
        var data = new TheoryData<string, string>();
        foreach (var (name, value) in pairs)
        {
            data.Add(name, value);
        }

        return data;
    }

    private static string Marker() => $"Corpus {Interlocked.Increment(ref _count)}:";

    [Theory]
    [MemberData(nameof(Texts))]
    public async Task Api_text_fields_refuse_it_or_it_renders_inert_everywhere(BadInput.Text input)
    {
        var marker = Marker();
        var headline = $"{marker} {input.Value}";
        var response = await fixture.Api.PostAsJsonAsync("/api/alerts", new
        {
            kind = "General",
            severity = "Warning",
            headline,
            body = $"Before {input.Value} after.",
            link = new { text = input.Value, url = "https://www.ouh.nhs.uk/" },
            channels = new[] { "banner", "email", "sms" },
        });

        if (input.Refused)
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
            Assert.True(errors.TryGetProperty("headline", out _), $"No 'headline' error in {errors}");
            return;
        }

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var anyone = fixture.App.CreateClient();

        // The banner JSON keeps the text as written (sites put it in with textContent); its HTML body is sanitised.
        await anyone.WaitUntilInBannerAsync(id);
        var banner = (await anyone.GetFromJsonAsync<JsonElement>("/api/banner/current")).GetProperty("alerts").EnumerateArray()
            .Single(a => a.GetProperty("id").GetGuid() == id);
        Assert.Equal(headline, banner.GetProperty("headline").GetString());
        Inert.AssertHtml(banner.GetProperty("bodyHtml").GetString()!, "banner bodyHtml");

        var fragment = await Poll.UntilAsync(() => anyone.GetStringAsync("/api/banner/current.html"), f => f.Contains(marker, StringComparison.Ordinal), what: "the fragment");
        Inert.AssertHtml(fragment, "/api/banner/current.html");
        Assert.Contains(headline, Inert.TextOf(fragment));

        var atom = XDocument.Parse(await Poll.UntilAsync(() => anyone.GetStringAsync("/feeds/alerts.atom"), f => f.Contains(marker, StringComparison.Ordinal), what: "the Atom feed"));
        Assert.Contains(atom.Descendants(), e => e.Name.LocalName == "title" && e.Value == headline);
        var cap = XDocument.Parse(await Poll.UntilAsync(() => anyone.GetStringAsync("/feeds/alerts.cap.xml"), f => f.Contains(marker, StringComparison.Ordinal), what: "the CAP feed"));
        Assert.Contains(cap.Descendants(), e => e.Name.LocalName == "headline" && e.Value == headline);

        var details = await fixture.Admin.GetStringAsync($"/Alerts/Details/{id}");
        Inert.AssertHtml(details, "Dashboard alert page");
        Assert.Contains(headline, Inert.TextOf(details));
        Inert.AssertHtml(await fixture.Admin.GetStringAsync("/"), "Dashboard alert list");

        var email = await fixture.EmailAboutAsync(marker);
        Assert.Contains(headline, email.Subject);
        Assert.DoesNotContain('\n', email.Subject!);
        Inert.AssertHtml(email.HtmlBody!, "email");
        Assert.Contains(headline, Inert.TextOf(email.HtmlBody!));
        Assert.Contains(headline, email.TextBody);

        // SMS is plain text: the words as written.
        Assert.Contains(headline, await fixture.TextAboutAsync(marker));
    }

    [Fact]
    public async Task Api_refuses_a_javascript_or_data_link()
    {
        foreach (var url in new[] { "javascript:alert(1)", "data:text/html,<script>alert(1)</script>", "http://www.ouh.nhs.uk/", "https://", "//evil.example/" })
        {
            var response = await fixture.Api.PostAsJsonAsync("/api/alerts", new
            {
                kind = "General", headline = "Link test", channels = new[] { "banner" }, link = new { text = "Read more", url },
            });
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("link.url", out _), url);
        }
    }

    [Theory]
    [MemberData(nameof(MalformedJson))]
    public async Task Api_answers_malformed_json_with_problem_details(string name, string json)
    {
        var response = await fixture.Api.PostAsync("/api/alerts", new StringContent(json, Encoding.UTF8, "application/json"));
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{name}: {(int)response.StatusCode}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Api_refuses_an_oversized_body_before_reading_it()
    {
        var huge = JsonSerializer.Serialize(new { kind = "General", headline = "Big", body = new string('a', 1024 * 1024), channels = new[] { "banner" } });
        var response = await fixture.Api.PostAsync("/api/alerts", new StringContent(huge, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [MemberData(nameof(Texts))]
    public async Task Create_form_refuses_it_with_a_message_or_it_renders_inert(BadInput.Text input)
    {
        var marker = Marker();
        var headline = $"{marker} {input.Value}";
        var response = await fixture.Admin.PostAsync("/Alerts/Create", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Input.Kind"] = "General",
            ["Input.Severity"] = "Warning",
            ["Input.Headline"] = headline,
            ["Input.Body"] = $"Before {input.Value} after.",
            ["Input.Channels"] = "banner",
            ["__RequestVerificationToken"] = await SecurityApp.AntiforgeryTokenAsync(fixture.Admin),
        }));

        if (input.Value.Contains('\0'))
        {
            // Not even decodable as a form (no browser sends it): refused before the page runs.
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            return;
        }

        if (input.Refused)
        {
            var page = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.BadRequest, $"{(int)response.StatusCode}");
            Assert.Contains("nhsuk-error-summary", page);
            Inert.AssertHtml(page, "create form with errors");
            return;
        }

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var details = await fixture.Admin.GetStringAsync(response.Headers.Location!.OriginalString);
        Inert.AssertHtml(details, "Dashboard alert page");
        Assert.Contains(headline, Inert.TextOf(details));
    }

    [Theory]
    [MemberData(nameof(EmailAddresses))]
    public async Task Subscribe_page_refuses_the_address_with_a_message(string address)
    {
        var browser = fixture.App.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var token = await Account.SignInTests.TokenFromAsync(browser, "/subscribe");
        var response = await browser.PostAsync("/subscribe", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Email"] = address,
            ["__RequestVerificationToken"] = token,
        }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var page = await response.Content.ReadAsStringAsync();
        Assert.Contains("Enter", page);
        Inert.AssertHtml(page, "subscribe page");
        await using var scope = fixture.App.Services.CreateAsyncScope();
        Assert.Equal(1, await scope.ServiceProvider.GetRequiredService<ChannelsDbContext>().Subscribers.CountAsync(s => s.Channel == Contracts.AlertChannel.Email));
    }

    [Theory]
    [MemberData(nameof(PhoneNumbers))]
    public async Task Sms_subscribe_page_refuses_the_number_with_a_message(string number)
    {
        var browser = fixture.App.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var token = await Account.SignInTests.TokenFromAsync(browser, "/sms/subscribe");
        var response = await browser.PostAsync("/sms/subscribe", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Number"] = number,
            ["__RequestVerificationToken"] = token,
        }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var page = await response.Content.ReadAsStringAsync();
        Assert.Contains("There is a problem", page);
        Inert.AssertHtml(page, "SMS subscribe page");
        await using var scope = fixture.App.Services.CreateAsyncScope();
        Assert.Equal(0, await scope.ServiceProvider.GetRequiredService<ChannelsDbContext>().SmsVerifications.CountAsync());
    }

    [Theory]
    [MemberData(nameof(MalformedCsv))]
    public async Task Csv_import_refuses_the_file_or_its_lines_and_imports_nothing_hostile(string name, string csv)
    {
        await using var scope = fixture.App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ChannelsDbContext>();
        var before = await db.Subscribers.CountAsync();

        var response = await fixture.Api.PostAsync("/api/subscribers/import", new StringContent(csv, Encoding.UTF8, "text/csv"));

        if (response.StatusCode == HttpStatusCode.OK)
        {
            var result = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(result.GetProperty("imported").GetInt32() == 0 && result.GetProperty("updated").GetInt32() == 0, $"{name}: {result}");
            Assert.All(result.GetProperty("rejected").EnumerateArray(), r => Assert.False(string.IsNullOrWhiteSpace(r.GetProperty("reason").GetString())));
        }
        else
        {
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{name}: {(int)response.StatusCode}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }

        Assert.Equal(before, await db.Subscribers.CountAsync());
    }

    [Theory]
    [MemberData(nameof(Texts))]
    public async Task Signed_sms_webhooks_take_it_without_failing(BadInput.Text input)
    {
        var anyone = fixture.App.CreateClient();
        foreach (var (path, fields) in new[]
        {
            ("sms/inbound/twilio", new Dictionary<string, string> { ["From"] = input.Value, ["Body"] = input.Value }),
            ("sms/inbound/twilio", new Dictionary<string, string> { ["From"] = "+447700900999", ["Body"] = "STOP " + input.Value }),
            ("sms/receipts/twilio?reference=d-corpus", new Dictionary<string, string> { ["MessageSid"] = input.Value, ["MessageStatus"] = input.Value, ["ErrorCode"] = input.Value }),
        })
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/" + path) { Content = new FormUrlEncodedContent(fields) };
            request.Headers.Add("X-Twilio-Signature", SmsWebhooks.TwilioSignature(CorpusApp.TwilioAuthToken, $"{CorpusApp.PublicBaseUrl}/{path}", fields));
            var response = await anyone.SendAsync(request);
            // A NUL cannot even be decoded from a form: refused, not a 500.
            var expected = input.Value.Contains('\0') ? response.StatusCode == HttpStatusCode.BadRequest : response.IsSuccessStatusCode;
            Assert.True(expected, $"{path}: {(int)response.StatusCode}");
        }

        foreach (var (path, json) in new[]
        {
            ("/sms/inbound/notify", JsonSerializer.Serialize(new { source_number = input.Value, message = input.Value })),
            ("/sms/receipts/notify", JsonSerializer.Serialize(new { id = input.Value, reference = input.Value, status = input.Value })),
        })
        {
            var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
            request.Headers.Authorization = new("Bearer", CorpusApp.NotifyCallbackToken);
            var response = await anyone.SendAsync(request);
            Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode}");
        }

        // The reader subscribed by import is still subscribed: nothing in the corpus reads as their STOP.
        await using var scope = fixture.App.Services.CreateAsyncScope();
        Assert.Equal(1, await scope.ServiceProvider.GetRequiredService<ChannelsDbContext>().Subscribers.CountAsync(s => s.Channel == Contracts.AlertChannel.Sms && s.Status == Channels.Subscriptions.SubscriberStatus.Active));
    }

    [Fact]
    public async Task Forged_confirmation_and_unsubscribe_tokens_change_nothing()
    {
        await using var scope = fixture.App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ChannelsDbContext>();
        var active = await db.Subscribers.CountAsync(s => s.Status == Channels.Subscriptions.SubscriberStatus.Active);
        Assert.True(active >= 2);
        var browser = fixture.App.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var token = await Account.SignInTests.TokenFromAsync(browser, "/subscribe/confirm?token=made-up");

        foreach (var forged in new[] { "made-up", Convert.ToBase64String(new byte[32]), "1.AAAAAAAAAAAAAAAAAAAAAA", "" })
        {
            var confirm = await browser.PostAsync("/subscribe/confirm", new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = forged, ["__RequestVerificationToken"] = token }));
            Assert.Equal(HttpStatusCode.BadRequest, confirm.StatusCode);
        }

        // One-click unsubscribe (no cookies, no page) for every subscriber id, with a made-up MAC.
        foreach (var id in await db.Subscribers.Select(s => s.Id).ToListAsync())
        {
            foreach (var forged in new[] { $"{id}.AAAAAAAAAAAAAAAAAAAAAA", $"{id}", $"{id}.", $"{id}.{new string('A', 200)}" })
            {
                var response = await fixture.App.CreateClient().PostAsync($"/unsubscribe?token={Uri.EscapeDataString(forged)}",
                    new FormUrlEncodedContent([KeyValuePair.Create("List-Unsubscribe", "One-Click")]));
                Assert.True((int)response.StatusCode < 500, $"{forged}: {(int)response.StatusCode}");
            }
        }

        Assert.Equal(active, await db.Subscribers.CountAsync(s => s.Status == Channels.Subscriptions.SubscriberStatus.Active));
    }

    [Theory]
    [MemberData(nameof(MalformedJson))]
    public async Task Signed_notify_webhooks_answer_malformed_json_with_a_400(string name, string json)
    {
        foreach (var path in new[] { "/sms/inbound/notify", "/sms/receipts/notify" })
        {
            var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
            request.Headers.Authorization = new("Bearer", CorpusApp.NotifyCallbackToken);
            var response = await fixture.App.CreateClient().SendAsync(request);
            Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.NoContent, $"{name} to {path}: {(int)response.StatusCode}");
        }
    }
}
