using AlertBroadcaster.Broadcaster.Outbox;
using AlertBroadcaster.Broadcaster.Storage;
using AlertBroadcaster.Contracts;
using AlertBroadcaster.TestSupport;
using MassTransit;
using MassTransit.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AlertBroadcaster.Broadcaster.Tests.Lifecycle;

/// <summary>
/// The Broadcaster as a host would run it (real SQLite, real Quartz persistent store, real
/// outbox) on the MassTransit test harness, so tests can send its commands and see what it
/// publishes.
/// </summary>
public sealed class BroadcasterHost : IAsyncDisposable
{
    private readonly IHost _host;

    private BroadcasterHost(IHost host)
    {
        _host = host;
        Harness = host.Services.GetTestHarness();
    }

    public ITestHarness Harness { get; }

    public static async Task<BroadcasterHost> StartAsync(string dataDirectory)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Test" });
        builder.Configuration["Storage:DataDirectory"] = dataDirectory;
        builder.Logging.AddSimpleConsole(o => o.TimestampFormat = "HH:mm:ss.fff ");
        builder.AddBroadcaster();
        builder.Services.AddMassTransitTestHarness(x => x.AddBroadcasterConsumers());
        var host = builder.Build();
        await host.StartAsync();
        return new BroadcasterHost(host);
    }

    public async Task<Response<AlertAccepted, AlertRejected, AlertNotFound>> SendAsync<T>(T command) where T : class =>
        await Harness.GetRequestClient<T>().GetResponse<AlertAccepted, AlertRejected, AlertNotFound>(command);

    public async Task<AlertDetails> PublishAsync(AlertContent content, Guid? id = null)
    {
        var response = await SendAsync(new PublishAlert(id ?? Guid.NewGuid(), content, "tester"));
        Assert.True(response.Is(out Response<AlertAccepted>? accepted), "the Broadcaster accepted the alert");
        return accepted.Message.Alert;
    }

    public async Task<AlertDetails> GetAsync(Guid id)
    {
        var response = await Harness.GetRequestClient<GetAlert>().GetResponse<AlertAccepted, AlertNotFound>(new GetAlert(id));
        Assert.True(response.Is(out Response<AlertAccepted>? accepted), $"alert {id} exists");
        return accepted.Message.Alert;
    }

    /// <summary>The outbox rows written for one alert, by event type name.</summary>
    public async Task<List<OutboxMessage>> OutboxAsync(Guid alertId)
    {
        await using var scope = _host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AlertsDbContext>();
        return await db.OutboxMessages.AsNoTracking().Where(m => m.AlertId == alertId).OrderBy(m => m.Id).ToListAsync();
    }

    public int PublishedCount<T>(Func<T, bool> about) where T : class =>
        Harness.Published.Select<T>().Count(m => about(m.Context.Message));

    /// <summary>Events leave through the outbox, after the request is answered: on a loaded machine that can take seconds.</summary>
    public Task UntilPublishedAsync<T>(Func<T, bool> about) where T : class =>
        Poll.UntilAsync(() => Task.FromResult(PublishedCount(about) > 0), published => published, TimeSpan.FromSeconds(30), $"{typeof(T).Name} published");

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        await ((IAsyncDisposable)_host).DisposeAsync();
    }
}
