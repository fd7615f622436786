using AlertBroadcaster.Channels.Storage;
using AlertBroadcaster.ServiceDefaults;

namespace AlertBroadcaster.Channels.Sms;

/// <summary>
/// The default: nothing leaves the machine. Each text is stored for the Dashboard's SMS page and
/// written to the log (the number masked), so a trial shows exactly what would have been sent.
/// </summary>
public sealed class LogSmsProvider(IServiceScopeFactory scopes, TimeProvider time, ILogger<LogSmsProvider> logger) : ISmsProvider
{
    public SmsProviderName Name => SmsProviderName.Log;

    public async Task<SmsAccepted> SendAsync(SmsMessage message, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ChannelsDbContext>();
        var entry = new LoggedSms
        {
            To = message.To,
            Body = message.Body,
            Segments = SmsSegments.Measure(message.Body).Segments,
            SentAt = time.GetUtcNow(),
        };
        db.LoggedSms.Add(entry);
        await db.SaveChangesAsync(cancellationToken);
        logger.LogInformation("SMS (Log provider, not sent) to {To}, {Segments} part(s): {Body}", PhoneNumberRules.Masked(message.To), entry.Segments, message.Body);
        return new SmsAccepted(Name.ToString(), $"log-{entry.Id}");
    }
}
