using AlertBroadcaster.Channels.Email;
using AlertBroadcaster.Channels.Sms;
using AlertBroadcaster.Contracts;
using AlertBroadcaster.ServiceDefaults;
using Microsoft.Extensions.Options;

namespace AlertBroadcaster.Channels.Deliveries;

/// <summary>The <c>Testing</c> section: staff who receive "send a test" messages.</summary>
public sealed class TestingOptions
{
    public const string Section = "Testing";

    /// <summary>Always emailed a test (besides the person asking); for example the comms team's shared inbox.</summary>
    public List<string> EmailRecipients { get; set; } = [];

    /// <summary>Mobile numbers texted a test, such as the on-call comms phone.</summary>
    public List<string> SmsRecipients { get; set; } = [];
}

/// <summary>
/// "Send a test": the alert as subscribers would get it, marked TEST, to staff test recipients
/// only. Nothing is stored in the ledger and no subscriber or website sees it.
/// </summary>
public sealed class TestSends(
    IEmailTransport email,
    SmsSender sms,
    IOptions<EmailOptions> emailOptions,
    IOptions<SmsTextOptions> smsText,
    IOptions<TestingOptions> testing,
    SiteCatalog sites,
    TimeProvider time,
    ILogger<TestSends> logger)
{
    public const string Mark = "TEST";

    public async Task<TestAlertSent> SendAsync(SendTestAlert command, CancellationToken cancellationToken)
    {
        var content = command.Content with { Headline = $"{Mark}: {command.Content.Headline}" };
        var problems = new List<string>();
        var emailed = content.Channels.Contains(AlertChannel.Email) ? await EmailAsync(command, content, problems, cancellationToken) : 0;
        var texted = content.Channels.Contains(AlertChannel.Sms) ? await TextAsync(command, content, problems, cancellationToken) : 0;
        logger.LogInformation("Test of alert {TestId}: {Emailed} emailed, {Texted} texted", command.TestId, emailed, texted);
        return new TestAlertSent(command.TestId, emailed, texted, problems);
    }

    private async Task<int> EmailAsync(SendTestAlert command, AlertContent content, List<string> problems, CancellationToken cancellationToken)
    {
        var recipients = testing.Value.EmailRecipients.Append(command.RequesterEmail ?? "")
            .Where(a => a.Contains('@')).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (recipients.Count == 0)
        {
            problems.Add("No email test recipients: set Testing:EmailRecipients, or sign in with an email address.");
            return 0;
        }

        var options = emailOptions.Value;
        var rendered = AlertEmail.Render(new AlertSnapshot(command.TestId, 0, content), AlertEmailPurpose.NewAlert,
            new AlertEmailSettings(options.From, options.FromName, AlertEmailCache.MessageIdDomain(options.From)), sites);
        var sent = 0;
        try
        {
            await using var session = await email.OpenAsync(cancellationToken);
            foreach (var address in recipients)
            {
                // Test recipients are staff, not subscribers: the footer's links lead to the public pages' start.
                using var message = rendered.For(address, options.Link("subscriptions/manage"), options.Link("unsubscribe"), time.GetUtcNow());
                try
                {
                    await session.SendAsync(message, cancellationToken);
                    sent++;
                }
                catch (Exception ex) when (ex is MailKit.Net.Smtp.SmtpCommandException or FormatException)
                {
                    problems.Add($"The mail server refused {address}: {ex.Message}");
                }
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            problems.Add($"The mail server could not be reached: {ex.Message}");
        }

        return sent;
    }

    private async Task<int> TextAsync(SendTestAlert command, AlertContent content, List<string> problems, CancellationToken cancellationToken)
    {
        if (testing.Value.SmsRecipients.Count == 0)
        {
            problems.Add("No text message test recipients: an administrator sets Testing:SmsRecipients.");
            return 0;
        }

        var body = SmsText.Compose(content with { SmsText = string.IsNullOrWhiteSpace(content.SmsText) ? null : $"{Mark}: {content.SmsText}" }, smsText.Value);
        var sent = 0;
        foreach (var (number, i) in testing.Value.SmsRecipients.Select((n, i) => (n, i)))
        {
            try
            {
                await sms.SendAsync(new SmsMessage(number, body, $"test-{command.TestId:N}-{i}"), cancellationToken);
                sent++;
            }
            catch (Exception ex) when (ex is SmsRefusedException or SmsTemporaryException)
            {
                problems.Add($"The text to the test number ending {number[^Math.Min(3, number.Length)..]} was not sent: {ex.Message}");
            }
        }

        return sent;
    }
}
