using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using IPNetwork = System.Net.IPNetwork;

namespace AlertBroadcaster.ServiceDefaults;

/// <summary>
/// <c>Hosting:TrustedProxies</c>: the addresses (or CIDR networks) of the reverse proxies in front of
/// this process. A request from one of them is taken to come from the last address the proxy added to
/// <c>X-Forwarded-For</c>, and by the scheme in <c>X-Forwarded-Proto</c>, so the per-address limits
/// (sign-in attempts, subscribe requests, SMS codes) count people rather than the proxy, which would
/// otherwise be one address for the whole public. Unset, the headers are ignored: a client talking to
/// the process directly must not be able to claim an address by sending one.
/// </summary>
public static class ReverseProxy
{
    public const string Section = "Hosting:TrustedProxies";

    public static IHostApplicationBuilder AddReverseProxies(this IHostApplicationBuilder builder)
    {
        var proxies = TrustedProxies(builder.Configuration);
        builder.Services.Configure<ForwardedHeadersOptions>(options =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // Only the configured proxies: not the framework's default (loopback).
            options.KnownIPNetworks.Clear();
            options.KnownProxies.Clear();
            foreach (var proxy in proxies)
            {
                options.KnownIPNetworks.Add(proxy);
            }
        });
        return builder;
    }

    /// <summary>Applies the proxies' headers when any proxy is configured; otherwise adds nothing to the pipeline.</summary>
    public static IApplicationBuilder UseReverseProxies(this WebApplication app)
    {
        // The lists AddReverseProxies made: with both empty the middleware would believe anyone.
        var options = app.Services.GetRequiredService<IOptions<ForwardedHeadersOptions>>().Value;
        if (options.KnownIPNetworks.Count > 0 || options.KnownProxies.Count > 0)
        {
            app.UseForwardedHeaders();
        }

        return app;
    }

    /// <summary>The configured networks; a single address is a network of one. A bad entry stops the start, naming its key.</summary>
    private static List<IPNetwork> TrustedProxies(IConfiguration configuration)
    {
        var section = configuration.GetSection(Section);
        // A list (Hosting__TrustedProxies__0=…) or one comma-separated value (Hosting__TrustedProxies=…).
        var entries = section.Value is { } list
            ? list.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(value => (section.Path, Value: value))
            : section.GetChildren().Select(child => (child.Path, Value: child.Value ?? ""));
        var networks = new List<IPNetwork>();
        foreach (var (path, entry) in entries)
        {
            var value = entry.Trim();
            if (IPNetwork.TryParse(value, out var network))
            {
                networks.Add(network);
            }
            else if (IPAddress.TryParse(value, out var address))
            {
                networks.Add(new IPNetwork(address, address.GetAddressBytes().Length * 8));
            }
            else
            {
                throw new InvalidOperationException($"{path} is '{value}': give a proxy's IP address (10.0.0.5) or network (10.0.0.0/24).");
            }
        }

        return networks;
    }
}
