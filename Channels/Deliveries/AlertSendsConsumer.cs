using AlertBroadcaster.Contracts;
using MassTransit;

namespace AlertBroadcaster.Channels.Deliveries;

/// <summary>Lifecycle events → sends on one channel. Shared by the replicas: one of them takes each event.</summary>
public abstract class AlertSendsConsumer(AlertSends sends, AlertChannel channel) :
    IConsumer<AlertWentLive>, IConsumer<AlertUpdated>, IConsumer<AlertWithdrawn>, IConsumer<AlertExpired>
{
    public Task Consume(ConsumeContext<AlertWentLive> context) => sends.WentLiveAsync(context.Message.Alert, channel, context.CancellationToken);

    public Task Consume(ConsumeContext<AlertUpdated> context) => sends.UpdatedAsync(context.Message.Alert, channel, context.CancellationToken);

    public Task Consume(ConsumeContext<AlertWithdrawn> context) =>
        sends.WithdrawnAsync(context.Message.AlertId, context.Message.Revision, context.Message.NotifySubscribers, channel, context.CancellationToken);

    public Task Consume(ConsumeContext<AlertExpired> context) => sends.ExpiredAsync(context.Message.AlertId, channel, context.CancellationToken);
}

/// <summary>Its own queue (<c>email-alerts</c>), so an SMS problem never holds up email, and the reverse.</summary>
public sealed class EmailAlertsConsumer(AlertSends sends) : AlertSendsConsumer(sends, AlertChannel.Email);

/// <summary>Its own queue (<c>sms-alerts</c>).</summary>
public sealed class SmsAlertsConsumer(AlertSends sends) : AlertSendsConsumer(sends, AlertChannel.Sms);

/// <summary>
/// One at a time, so the events of one alert are applied in order; immediate retries cover a
/// locked database or a broken connection (the RabbitMQ delayed-message plugin is not available).
/// </summary>
public abstract class AlertSendsConsumerDefinition<TConsumer> : ConsumerDefinition<TConsumer>
    where TConsumer : AlertSendsConsumer
{
    protected AlertSendsConsumerDefinition(string endpointName)
    {
        EndpointName = endpointName;
        ConcurrentMessageLimit = 1;
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<TConsumer> consumerConfigurator, IRegistrationContext context) =>
        endpointConfigurator.UseMessageRetry(r => r.Intervals(100, 500, 1000, 2000, 5000));
}

public sealed class EmailAlertsConsumerDefinition() : AlertSendsConsumerDefinition<EmailAlertsConsumer>("email-alerts");

public sealed class SmsAlertsConsumerDefinition() : AlertSendsConsumerDefinition<SmsAlertsConsumer>("sms-alerts");
