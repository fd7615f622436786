using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.RegularExpressions;
using AlertBroadcaster.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MimeKit;

namespace AlertBroadcaster.Dashboard.Tests.Security;

/// <summary>
/// Logs carry ids, never a subscriber's email address or phone number (a masked "number ending 123"
/// is the rule for numbers): a subscribe, a confirmation, an import, and an email and SMS fan-out
/// with every log message captured.
/// </summary>
public sealed class PersonalDataInLogsTests : IAsyncLifetime
{
    private const string Email = "private.person@example.org";
    private const string ImportedEmail = "imported.person@example.org";
    private const string Mobile = "07400 765432";
    private static readonly string[] Personal = [Email, ImportedEmail, "private.person", "imported.person", "+447400765432", "07400765432", "7400765432", "07400 765432", "765432"];

    private readonly CapturingLoggerProvider _logs = new();
    private DashboardApp _app = null!;
    private WebApplicationFactory<Program> _host = null!;

    public Task InitializeAsync()
    {
        _app = new DashboardApp { Settings = { ["Email:PublicBaseUrl"] = "http://localhost" } };
        _host = _app.WithWebHostBuilder(b => b.ConfigureLogging(logging =>
        {
            logging.AddProvider(_logs);
            logging.SetMinimumLevel(LogLevel.Debug);
        }));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task No_email_address_or_phone_number_of_a_subscriber_appears_in_any_log_message()
    {
        // Subscribe by email and confirm with the link in the email.
        var browser = _host.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var form = await browser.GetStringAsync("/subscribe");
        var subscribed = await browser.PostAsync("/subscribe", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Email"] = Email,
            ["__RequestVerificationToken"] = Antiforgery.TokenIn(form),
        }));
        Assert.Equal(HttpStatusCode.OK, subscribed.StatusCode);
        var pickup = Path.Combine(_app.DataDirectory, "mail-pickup");
        var confirmation = await Poll.UntilAsync(
            () => Task.FromResult(Directory.Exists(pickup) ? Directory.EnumerateFiles(pickup, "*.eml").Select(f => MimeMessage.Load(f)).FirstOrDefault() : null),
            m => m is not null, TimeSpan.FromSeconds(30), "the confirmation email");
        var token = Regex.Match(confirmation!.TextBody ?? confirmation.HtmlBody!, "/subscribe/confirm\\?token=([A-Za-z0-9_-]+)").Groups[1].Value;
        var page = await browser.GetStringAsync($"/subscribe/confirm?token={token}");
        var confirmed = await browser.PostAsync("/subscribe/confirm", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["token"] = token,
            ["__RequestVerificationToken"] = Antiforgery.TokenIn(page),
        }));
        Assert.Contains("subscribed", await confirmed.Content.ReadAsStringAsync());

        // An import with an email address and a mobile, then an alert to both channels.
        var api = _host.CreateClient();
        api.DefaultRequestHeaders.Authorization = new("Bearer", DashboardApp.ApiKey);
        var imported = await api.PostAsync("/api/subscribers/import", new StringContent($"email,phone,sites,topics\n{ImportedEmail},{Mobile},,\n", Encoding.UTF8, "text/csv"));
        Assert.Equal(HttpStatusCode.OK, imported.StatusCode);
        var alert = await api.CreateAlertAsync(new { kind = "General", headline = "Logs test", channels = new[] { "email", "sms" } });
        var id = alert.GetProperty("id").GetGuid();
        await Poll.UntilAsync(async () =>
        {
            var delivery = (await api.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/alerts/{id}")).GetProperty("delivery");
            return delivery.GetProperty("email").GetProperty("sent").GetInt32() == 2 && delivery.GetProperty("sms").GetProperty("sent").GetInt32() == 1;
        }, TimeSpan.FromSeconds(30), "the email and SMS fan-out");

        // Stopped first: the host lets its running jobs finish, so what they log after the counts is read too.
        await _host.DisposeAsync();
        Assert.Contains(_logs.Messages, m => m.Contains("number ending 432", StringComparison.Ordinal));
        var leaks = _logs.Messages.Where(m => Personal.Any(p => m.Contains(p, StringComparison.OrdinalIgnoreCase))).ToList();
        Assert.True(leaks.Count == 0, "Personal data in the logs:\n" + string.Join("\n", leaks));
    }

    /// <summary>Every message, its structured values and any exception, as one string each.</summary>
    private sealed class CapturingLoggerProvider : ILoggerProvider
    {
        public ConcurrentQueue<string> Messages { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, Messages);

        public void Dispose()
        {
        }

        private sealed class Logger(string category, ConcurrentQueue<string> messages) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(" ", pairs.Select(p => $"{p.Key}={p.Value}")) : "";
                messages.Enqueue($"{logLevel} {category}: {formatter(state, exception)} [{values}] {exception}");
            }
        }
    }
}
