using AlertBroadcaster.TestSupport;
using Xunit.Abstractions;

namespace AlertBroadcaster.Dashboard.Tests.Email;

/// <summary>The process that sends the email killed mid fan-out (kill -9) and started again.</summary>
public sealed class EmailRestartTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Subscribers = 2000;
    private const int BatchSize = 100;
    private const int Parallelism = 2;

    private readonly TempDataDirectory _data = new();
    private readonly TestSmtpServer _smtp = TestSmtpServer.Start();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _smtp.DisposeAsync();
        _data.Dispose();
    }

    private Dictionary<string, string> Environment()
    {
        var environment = DashboardApp.SmtpSettings(_smtp).ToDictionary(s => s.Key.Replace(":", "__"), s => s.Value);
        environment["Storage__DataDirectory"] = _data.Path;
        environment["Email__BatchSize"] = BatchSize.ToString(System.Globalization.CultureInfo.InvariantCulture);
        environment["Email__Parallelism"] = Parallelism.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return environment;
    }

    [Fact]
    public async Task Killed_mid_fan_out_and_restarted_every_recipient_gets_it_and_repeats_stay_within_the_batches_in_flight()
    {
        Guid alert;
        await using (var first = await HostProcess.StartAsync("Dashboard", Environment()))
        {
            var api = first.CreateApiClient();
            await api.ImportAsync(EmailTestCalls.Csv(Enumerable.Range(1, Subscribers).Select(i => $"patient{i}@example.com,,,")));
            alert = await api.CreateEmailAlertAsync("Visiting restrictions across the trust", kind: "VisitingRestrictions");
            await Poll.UntilAsync(() => Task.FromResult(_smtp.About(alert).Count >= 300), TimeSpan.FromSeconds(60), "the fan-out under way");
            await first.KillAsync();
        }

        var beforeRestart = _smtp.About(alert).Count;
        Assert.True(beforeRestart < Subscribers, "killed before the end");

        await using var second = await HostProcess.StartAsync("Dashboard", Environment());
        await second.CreateApiClient().WaitUntilDeliveredAsync(alert, sent: Subscribers, TimeSpan.FromMinutes(3));

        var recipients = _smtp.RecipientsOf(alert);
        var duplicates = recipients.Count - recipients.Distinct().Count();
        output.WriteLine($"{beforeRestart} received before the kill; {recipients.Count} in all; {duplicates} duplicates");
        Assert.Equal(Subscribers, recipients.Distinct().Count());
        // At most the messages of the batches in flight when it died (and far fewer in practice:
        // the ledger is written every SendEmailBatchJob.FlushEvery messages).
        Assert.InRange(duplicates, 0, Parallelism * BatchSize);
    }
}
