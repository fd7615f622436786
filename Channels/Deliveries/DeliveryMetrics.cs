using System.Diagnostics.Metrics;
using AlertBroadcaster.Contracts;
using AlertBroadcaster.ServiceDefaults;

namespace AlertBroadcaster.Channels.Deliveries;

/// <summary>
/// Deliveries to people, by <c>channel</c> (email, sms); never tagged by alert or recipient
/// (unbounded, and personal).
/// <list type="bullet">
/// <item><c>alerts.deliveries.sent</c>: messages the SMTP server or SMS provider accepted.</item>
/// <item><c>alerts.deliveries.failed</c>: recipients refused for good (a 5xx for that address, an
/// SMS the provider refused or whose receipt says it failed).</item>
/// <item><c>alerts.fanout.duration</c>: seconds from a send starting (its lifecycle event taken and
/// its fan-out job enqueued) until the ledger holds no recipient of it still Pending; recorded once
/// per send, by the process that saw it finish. Cancelled sends are not recorded.</item>
/// </list>
/// </summary>
public sealed class DeliveryMetrics
{
    private readonly Counter<long> _sent;
    private readonly Counter<long> _failed;
    private readonly Histogram<double> _fanOut;

    public DeliveryMetrics(IMeterFactory meters)
    {
        var meter = AlertMeter.Create(meters);
        _sent = meter.CreateCounter<long>("alerts.deliveries.sent", unit: "{message}", description: "Messages accepted by the SMTP server or SMS provider.");
        _failed = meter.CreateCounter<long>("alerts.deliveries.failed", unit: "{message}", description: "Recipients refused permanently.");
        _fanOut = meter.CreateHistogram("alerts.fanout.duration", unit: "s",
            description: "Time from a send starting until every recipient is sent or failed.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = AlertMeter.LongSeconds });
    }

    public void Sent(AlertChannel channel, int count = 1)
    {
        if (count > 0)
        {
            _sent.Add(count, Tag(channel));
        }
    }

    public void Failed(AlertChannel channel, int count = 1)
    {
        if (count > 0)
        {
            _failed.Add(count, Tag(channel));
        }
    }

    public void FanOutCompleted(AlertChannel channel, TimeSpan duration) =>
        _fanOut.Record(Math.Max(0, duration.TotalSeconds), Tag(channel));

    private static KeyValuePair<string, object?> Tag(AlertChannel channel) => new("channel", channel switch
    {
        AlertChannel.Email => "email",
        AlertChannel.Sms => "sms",
        _ => "banner",
    });
}
