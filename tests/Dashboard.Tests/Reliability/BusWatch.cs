using System.Collections.Concurrent;
using System.Text.Json;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace AlertBroadcaster.Dashboard.Tests.Reliability;

/// <summary>
/// Every event of one type published on the real broker, seen as a subscriber sees it: a queue of
/// the test's own bound to the event's exchange, counting the messages per alert.
/// </summary>
public sealed class BusWatch : IAsyncDisposable
{
    private readonly IConnection _connection;
    private readonly IChannel _channel;
    private readonly ConcurrentDictionary<Guid, int> _perAlert = new();

    private BusWatch(IConnection connection, IChannel channel)
    {
        _connection = connection;
        _channel = channel;
    }

    /// <summary>Watches <typeparamref name="TEvent"/> (an event of AlertBroadcaster.Contracts with an <c>alertId</c>).</summary>
    public static async Task<BusWatch> StartAsync<TEvent>()
    {
        var connection = await new ConnectionFactory { Uri = new Uri(DashboardApp.RabbitMqConnectionString) }.CreateConnectionAsync();
        var channel = await connection.CreateChannelAsync();
        var watch = new BusWatch(connection, channel);

        // MassTransit's exchange for the message type (declared as it declares it, in case no consumer has yet).
        var exchange = $"{typeof(TEvent).Namespace}:{typeof(TEvent).Name}";
        await channel.ExchangeDeclareAsync(exchange, ExchangeType.Fanout, durable: true, autoDelete: false);
        var queue = (await channel.QueueDeclareAsync("", durable: false, exclusive: true, autoDelete: true)).QueueName;
        await channel.QueueBindAsync(queue, exchange, "");

        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, delivery) =>
        {
            using var envelope = JsonDocument.Parse(delivery.Body);
            var alertId = envelope.RootElement.GetProperty("message").GetProperty("alertId").GetGuid();
            watch._perAlert.AddOrUpdate(alertId, 1, (_, n) => n + 1);
            return Task.CompletedTask;
        };
        await channel.BasicConsumeAsync(queue, autoAck: true, consumer);
        return watch;
    }

    /// <summary>How many times the event was published about <paramref name="alertId"/> so far.</summary>
    public int Count(Guid alertId) => _perAlert.GetValueOrDefault(alertId);

    public async ValueTask DisposeAsync()
    {
        await _channel.DisposeAsync();
        await _connection.DisposeAsync();
    }
}
