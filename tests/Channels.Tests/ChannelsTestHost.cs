using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AlertBroadcaster.Channels.Tests;

/// <summary>Channels as its hosts compose it, on the MassTransit test harness, with its SQLite stores in <c>dataDirectory</c>.</summary>
internal static class ChannelsTestHost
{
    /// <param name="time">The clock every part reads (a fake one lets a test move time on); the real one if null.</param>
    public static async Task<(IHost Host, ITestHarness Harness)> StartAsync(string dataDirectory, TimeProvider? time = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Test" });
        builder.Configuration["Storage:DataDirectory"] = dataDirectory;
        if (time is not null)
        {
            builder.Services.AddSingleton(time);
        }

        builder.AddChannels();
        builder.Services.AddMassTransitTestHarness(x => x.AddChannelsConsumers());
        var host = builder.Build();
        await host.StartAsync();
        return (host, host.Services.GetTestHarness());
    }
}
