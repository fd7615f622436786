using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AlertBroadcaster.Channels.Tests;

/// <summary>Channels as its hosts compose it, on the MassTransit test harness, with its SQLite stores in <c>dataDirectory</c>.</summary>
internal static class ChannelsTestHost
{
    public static async Task<(IHost Host, ITestHarness Harness)> StartAsync(string dataDirectory)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Test" });
        builder.Configuration["Storage:DataDirectory"] = dataDirectory;
        builder.AddChannels();
        builder.Services.AddMassTransitTestHarness(x => x.AddChannelsConsumers());
        var host = builder.Build();
        await host.StartAsync();
        return (host, host.Services.GetTestHarness());
    }
}
