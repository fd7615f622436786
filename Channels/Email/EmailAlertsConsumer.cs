using AlertBroadcaster.Contracts;
using MassTransit;

namespace AlertBroadcaster.Channels.Email;

/// <summary>Lifecycle events → email sends. Shared by the replicas: one of them takes each event.</summary>
public sealed class EmailAlertsConsumer(EmailAlerts email) :
    IConsumer<AlertWentLive>, IConsumer<AlertUpdated>, IConsumer<AlertWithdrawn>, IConsumer<AlertExpired>
{
    public Task Consume(ConsumeContext<AlertWentLive> context) => email.WentLiveAsync(context.Message.Alert, context.CancellationToken);

    public Task Consume(ConsumeContext<AlertUpdated> context) => email.UpdatedAsync(context.Message.Alert, context.CancellationToken);

    public Task Consume(ConsumeContext<AlertWithdrawn> context) =>
        email.WithdrawnAsync(context.Message.AlertId, context.Message.Revision, context.Message.NotifySubscribers, context.CancellationToken);

    public Task Consume(ConsumeContext<AlertExpired> context) => email.ExpiredAsync(context.Message.AlertId, context.CancellationToken);
}

/// <summary>
/// One at a time, so the events of one alert are applied in order; immediate retries cover a
/// locked database or a broken connection (the RabbitMQ delayed-message plugin is not available).
/// </summary>
public sealed class EmailAlertsConsumerDefinition : ConsumerDefinition<EmailAlertsConsumer>
{
    public EmailAlertsConsumerDefinition()
    {
        EndpointName = "email-alerts";
        ConcurrentMessageLimit = 1;
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<EmailAlertsConsumer> consumerConfigurator, IRegistrationContext context) =>
        endpointConfigurator.UseMessageRetry(r => r.Intervals(100, 500, 1000, 2000, 5000));
}
