using AlertBroadcaster.Broadcaster.Lifecycle;
using AlertBroadcaster.Contracts;
using AlertBroadcaster.ServiceDefaults;
using MassTransit;

namespace AlertBroadcaster.Dashboard.Alerts;

/// <summary>
/// The Dashboard's way to the Broadcaster: commands and queries as requests on the bus, so the
/// same code works embedded (in-memory bus) and distributed (RabbitMQ). A Broadcaster that does
/// not answer in time (or a broker that does not take the request) surfaces as
/// <see cref="RequestTimeoutException"/>.
/// </summary>
public sealed class AlertsClient(
    IRequestClient<PublishAlert> publish,
    IRequestClient<UpdateAlert> update,
    IRequestClient<WithdrawAlert> withdraw,
    IRequestClient<GetAlert> get,
    IRequestClient<ListAlerts> list)
{
    public static readonly RequestTimeout Timeout = BrokerDeadline.Request;

    public async Task<AlertOutcome> PublishAsync(PublishAlert command, CancellationToken cancellationToken) =>
        Outcome(await BrokerDeadline.RequestAsync(deadline => publish.GetResponse<AlertAccepted, AlertRejected, AlertNotFound>(command, deadline), cancellationToken));

    public async Task<AlertOutcome> UpdateAsync(UpdateAlert command, CancellationToken cancellationToken) =>
        Outcome(await BrokerDeadline.RequestAsync(deadline => update.GetResponse<AlertAccepted, AlertRejected, AlertNotFound>(command, deadline), cancellationToken));

    public async Task<AlertOutcome> WithdrawAsync(WithdrawAlert command, CancellationToken cancellationToken) =>
        Outcome(await BrokerDeadline.RequestAsync(deadline => withdraw.GetResponse<AlertAccepted, AlertRejected, AlertNotFound>(command, deadline), cancellationToken));

    public async Task<AlertDetails?> GetAsync(Guid alertId, CancellationToken cancellationToken)
    {
        var response = await BrokerDeadline.RequestAsync(deadline => get.GetResponse<AlertAccepted, AlertNotFound>(new GetAlert(alertId), deadline), cancellationToken);
        return response.Is(out Response<AlertAccepted>? accepted) ? accepted.Message.Alert : null;
    }

    public async Task<IReadOnlyList<AlertDetails>> ListAsync(int take, CancellationToken cancellationToken) =>
        (await BrokerDeadline.RequestAsync(deadline => list.GetResponse<AlertList>(new ListAlerts(take), deadline), cancellationToken)).Message.Alerts;

    private static AlertOutcome Outcome(Response<AlertAccepted, AlertRejected, AlertNotFound> response)
    {
        if (response.Is(out Response<AlertAccepted>? accepted))
        {
            return new AlertOutcome.Accepted(accepted.Message.Alert);
        }

        if (response.Is(out Response<AlertRejected>? rejected))
        {
            return new AlertOutcome.Rejected(rejected.Message.AlertId, rejected.Message.Errors);
        }

        if (response.Is(out Response<AlertNotFound>? notFound))
        {
            return new AlertOutcome.NotFound(notFound.Message.AlertId);
        }

        throw new InvalidOperationException("The Broadcaster answered with an unexpected message.");
    }
}
