using AlertBroadcaster.ServiceDefaults;
using MassTransit;

namespace AlertBroadcaster.Broadcaster.Tests;

/// <summary>
/// A transport that never takes a message (as RabbitMQ.Client can leave a publish after a broker
/// restart): callers get their answer at the deadline instead of waiting for ever.
/// </summary>
public sealed class BrokerDeadlineTests : IAsyncLifetime
{
    public sealed record Ping;

    private readonly IBusControl _bus = Bus.Factory.CreateUsingInMemory(cfg =>
    {
        // Every send and publish waits until it is given up, like a publish whose confirmation never comes.
        cfg.ConfigureSend(send => send.UseExecuteAsync(NeverTaken));
        cfg.ConfigurePublish(publish => publish.UseExecuteAsync(NeverTaken));
    });

    private static Task NeverTaken(PipeContext context) => Task.Delay(Timeout.Infinite, context.CancellationToken);

    public Task InitializeAsync() => _bus.StartAsync();

    public Task DisposeAsync() => _bus.StopAsync();

    [Fact]
    public async Task A_request_the_transport_never_takes_fails_as_a_timeout_at_the_deadline()
    {
        var client = _bus.CreateRequestClient<Ping>(new Uri("queue:nobody-answers"));

        var thrown = await Assert.ThrowsAsync<RequestTimeoutException>(() =>
            BrokerDeadline.RequestAsync(deadline => client.GetResponse<Ping>(new Ping(), deadline), CancellationToken.None, RequestTimeout.After(ms: 300)));
        // How it ended (the deadline's cancellation) stays with it, for whoever reads the log.
        Assert.NotNull(thrown.InnerException);
    }

    [Fact]
    public async Task A_request_its_caller_gives_up_is_cancelled_not_timed_out()
    {
        var client = _bus.CreateRequestClient<Ping>(new Uri("queue:nobody-answers"));
        using var caller = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        var thrown = await Assert.ThrowsAnyAsync<Exception>(() =>
            BrokerDeadline.RequestAsync(deadline => client.GetResponse<Ping>(new Ping(), deadline), caller.Token, RequestTimeout.After(s: 60)));
        Assert.IsNotType<RequestTimeoutException>(thrown);
    }

    [Fact]
    public async Task A_publish_the_transport_never_takes_fails_at_the_deadline()
    {
        var thrown = await Assert.ThrowsAsync<TimeoutException>(() =>
            _bus.PublishWithinDeadlineAsync(new Ping(), typeof(Ping), CancellationToken.None, TimeSpan.FromMilliseconds(300)));
        Assert.Contains("Ping", thrown.Message);
        Assert.NotNull(thrown.InnerException);
    }
}
