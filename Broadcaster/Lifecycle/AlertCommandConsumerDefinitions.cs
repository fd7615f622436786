using MassTransit;

namespace AlertBroadcaster.Broadcaster.Lifecycle;

/// <summary>
/// Retry for the commands: a transient database error (a locked SQLite file, a dropped
/// connection) is retried at once a few times; the lifecycle is idempotent, so a retry after a
/// partial success changes nothing twice. Delayed redelivery is not used: the RabbitMQ
/// delayed-exchange plugin is not available here.
/// </summary>
internal static class CommandRetry
{
    public static void Apply(IReceiveEndpointConfigurator endpoint) =>
        endpoint.UseMessageRetry(r => r.Intervals(50, 200, 500, 1000));
}

public sealed class PublishAlertConsumerDefinition : ConsumerDefinition<PublishAlertConsumer>
{
    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<PublishAlertConsumer> consumerConfigurator, IRegistrationContext context) =>
        CommandRetry.Apply(endpointConfigurator);
}

public sealed class UpdateAlertConsumerDefinition : ConsumerDefinition<UpdateAlertConsumer>
{
    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<UpdateAlertConsumer> consumerConfigurator, IRegistrationContext context) =>
        CommandRetry.Apply(endpointConfigurator);
}

public sealed class WithdrawAlertConsumerDefinition : ConsumerDefinition<WithdrawAlertConsumer>
{
    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<WithdrawAlertConsumer> consumerConfigurator, IRegistrationContext context) =>
        CommandRetry.Apply(endpointConfigurator);
}
