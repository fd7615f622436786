using AlertBroadcaster.ServiceDefaults;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AlertBroadcaster.Broadcaster.Tests.Messaging;

public sealed class BusHostingTests
{
    public sealed class Ping
    {
    }

    public sealed class PingConsumer : IConsumer<Ping>
    {
        public Task Consume(ConsumeContext<Ping> context) => Task.CompletedTask;
    }

    /// <summary>
    /// A test host's dispose and the app's own <c>app.Run()</c> stop the same host at once
    /// (dotnet/aspnetcore#40271): every stop waits for the one stop of the bus. MassTransit's own
    /// flag lets the later callers return at once, and two stops that pass it together race on the
    /// same receive endpoints (a NullReferenceException seen once in CI).
    /// </summary>
    [Fact]
    public async Task A_host_stopped_from_several_threads_at_once_stops_its_bus_once_without_failing()
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var builder = Host.CreateApplicationBuilder();
            builder.AddAlertMetrics();
            builder.Services.AddSingleton(TimeProvider.System);
            builder.Services.AddAlertBus(builder.Configuration, x => x.AddConsumer<PingConsumer>());
            using var host = builder.Build();
            await host.StartAsync();
            var bus = host.Services.GetRequiredService<IBusControl>();
            Assert.Equal(BusHealthStatus.Healthy, bus.CheckHealth().Status);

            using var go = new ManualResetEventSlim();
            var stops = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
            {
                go.Wait();
                await host.StopAsync();
                // Whichever stop returns first, the bus has stopped by then.
                return bus.CheckHealth().Description;
            })).ToList();
            go.Set();

            Assert.All(await Task.WhenAll(stops), health => Assert.Equal("Not ready: stopped", health));
        }
    }
}
