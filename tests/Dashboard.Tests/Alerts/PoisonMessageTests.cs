using System.Text;
using RabbitMQ.Client;
using AlertBroadcaster.TestSupport;

namespace AlertBroadcaster.Dashboard.Tests.Alerts;

/// <summary>A message that can never be handled is parked in the endpoint's _error queue; the rest flows.</summary>
public sealed class PoisonMessageTests : IAsyncLifetime
{
    private const string Queue = "publish-alert";
    private readonly DashboardApp _app = new() { UseRabbitMq = true };
    private IConnection _connection = null!;
    private IChannel _channel = null!;

    public async Task InitializeAsync()
    {
        _ = _app.Services; // start the host, so its queues exist
        _connection = await new ConnectionFactory { Uri = new Uri(DashboardApp.RabbitMqConnectionString) }.CreateConnectionAsync();
        _channel = await _connection.CreateChannelAsync();
    }

    public async Task DisposeAsync()
    {
        await _channel.DisposeAsync();
        await _connection.DisposeAsync();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task Unreadable_command_goes_to_the_error_queue_and_the_next_alert_still_flows()
    {
        var parkedBefore = await ErrorQueue.ParkedAsync(_connection, Queue);

        var properties = new BasicProperties { ContentType = "application/vnd.masstransit+json", MessageId = Guid.NewGuid().ToString() };
        await _channel.BasicPublishAsync("", Queue, mandatory: true, properties, Encoding.UTF8.GetBytes("{ this is not a message"));

        await Poll.UntilAsync(async () => await ErrorQueue.ParkedAsync(_connection, Queue) > parkedBefore, what: $"the poison message in {Queue}_error");
        var id = (await _app.CreateApiClient().CreateAlertAsync(new { headline = "After the poison" })).GetProperty("id").GetGuid();
        await _app.CreateClient().WaitUntilInBannerAsync(id);
    }
}
