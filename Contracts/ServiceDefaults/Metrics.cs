using System.Diagnostics.Metrics;
using System.Net;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using IPNetwork = System.Net.IPNetwork;

namespace AlertBroadcaster.ServiceDefaults;

/// <summary>
/// The system's one meter. Instruments are made from it by small classes of the component that
/// records them (<c>PublishedEventMetrics</c>, <c>DeliveryMetrics</c>, <see cref="QueueMetrics"/>),
/// through <see cref="IMeterFactory"/>, so each host's instruments belong to its own container.
/// </summary>
public static class AlertMeter
{
    public const string Name = "AlertBroadcaster";

    /// <summary>Buckets for waits on the bus: milliseconds to minutes.</summary>
    public static readonly IReadOnlyList<double> ShortSeconds = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

    /// <summary>Buckets for a whole fan-out: a second to six hours.</summary>
    public static readonly IReadOnlyList<double> LongSeconds = [1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200, 21600];

    public static Meter Create(IMeterFactory meters) => meters.Create(Name);
}

/// <summary>The <c>Metrics</c> section: who may read <c>/metrics</c>.</summary>
public sealed class MetricsOptions
{
    public const string Section = "Metrics";

    /// <summary>Loopback and the private ranges (RFC 1918, IPv6 unique local): the scraper's side of the network.</summary>
    public static readonly IReadOnlyList<string> DefaultAllowedNetworks =
        ["127.0.0.0/8", "::1/128", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"];

    /// <summary>
    /// CIDR networks allowed to scrape; unset means <see cref="DefaultAllowedNetworks"/>. Null rather
    /// than a list with defaults: the configuration binder appends to a list, it never replaces it.
    /// </summary>
    public List<string>? AllowedNetworks { get; set; }

    /// <summary>
    /// ASP.NET Core's own request metrics (<c>http.server.request.duration</c> and Kestrel's
    /// connection metrics). Off by default: they cost every request, the banner's included.
    /// </summary>
    public bool HttpServer { get; set; }

    public IReadOnlyList<string> EffectiveNetworks => AllowedNetworks is { Count: > 0 } configured ? configured : DefaultAllowedNetworks;
}

/// <summary>
/// Whether a request may read <c>/metrics</c>. Channels replicas face the internet and the
/// figures are for operators, so the rule is: the connection's own address must be in
/// <c>Metrics:AllowedNetworks</c> (loopback and private networks by default), and the request must
/// not have come through a proxy (no <c>Forwarded</c>, <c>X-Forwarded-For</c> or <c>X-Real-IP</c>,
/// nor the <c>X-Original-For</c> left where a trusted proxy's header was applied, nor a connection
/// from one of <c>Hosting:TrustedProxies</c>: see <see cref="ReverseProxy"/>), because behind a
/// reverse proxy every connection comes from the proxy's private address. No address (a Unix socket, an in-process test server) is refused. A
/// refusal is a 404, as if there were no such page.
/// </summary>
public sealed class MetricsAccess
{
    private readonly IPNetwork[] _allowed;
    private readonly IPNetwork[] _proxies;

    public MetricsAccess(IOptions<MetricsOptions> options, IOptions<ForwardedHeadersOptions> forwarding)
    {
        _allowed = [.. options.Value.EffectiveNetworks.Select(IPNetwork.Parse)];
        _proxies = [.. forwarding.Value.KnownIPNetworks];
    }

    public bool Allows(HttpContext context)
    {
        var headers = context.Request.Headers;
        if (headers.ContainsKey("Forwarded") || headers.ContainsKey("X-Forwarded-For") || headers.ContainsKey("X-Real-IP") || headers.ContainsKey("X-Original-For"))
        {
            return false;
        }

        if (context.Connection.RemoteIpAddress is not { } address)
        {
            return false;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        // A connection from a trusted proxy that named no client (a TCP load balancer) is still proxied.
        return !_proxies.Any(network => network.Contains(address)) && _allowed.Any(network => network.Contains(address));
    }
}

/// <summary>
/// Alert Broadcaster's own metrics and the runtime's (GC, thread pool; read at scrape time, so
/// nothing per request), exported in the Prometheus text format at <c>/metrics</c>.
/// ASP.NET Core's http.server and Kestrel metrics are off unless <c>Metrics:HttpServer</c> is true:
/// once anything listens to them, hosting records a histogram for every request, the public banner
/// endpoint's included, and that endpoint is measured against nginx (bench/banner.sh).
/// </summary>
public static class MetricsExtensions
{
    public const string Path = "/metrics";

    public static IHostApplicationBuilder AddAlertMetrics(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<MetricsOptions>()
            .Bind(builder.Configuration.GetSection(MetricsOptions.Section))
            .Validate(o => o.EffectiveNetworks.All(n => IPNetwork.TryParse(n, out _)),
                "Metrics:AllowedNetworks must be a list of CIDR networks, such as 10.0.0.0/8 or fd00::/8.")
            .ValidateOnStart();
        builder.Services.AddSingleton<MetricsAccess>();
        builder.Services.AddSingleton<QueueMetrics>();
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(builder.Environment.ApplicationName))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(AlertMeter.Name).AddRuntimeInstrumentation().AddPrometheusExporter();
                if (builder.Configuration.GetValue($"{MetricsOptions.Section}:{nameof(MetricsOptions.HttpServer)}", false))
                {
                    metrics.AddMeter("Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel");
                }
            });
        return builder;
    }

    /// <summary><c>/metrics</c>, readable only as <see cref="MetricsAccess"/> allows (404 otherwise).</summary>
    public static IEndpointRouteBuilder MapMetricsEndpoint(this IEndpointRouteBuilder endpoints)
    {
        var access = endpoints.ServiceProvider.GetRequiredService<MetricsAccess>();
        endpoints.MapPrometheusScrapingEndpoint(Path, meterProvider: null, configureBranchedPipeline: branch =>
                branch.Use((context, next) =>
                {
                    if (access.Allows(context))
                    {
                        return next(context);
                    }

                    context.Response.StatusCode = StatusCodes.Status404NotFound;
                    return Task.CompletedTask;
                }), optionsName: null)
            // Guarded by network, not by sign-in: Prometheus has no cookie.
            .AllowAnonymous();
        return endpoints;
    }
}

/// <summary>
/// <c>alerts.queue.lag</c>: seconds from a message's SentTime (the sender's clock) to the start of
/// its consumption here, by message type (a fixed set: the Contracts types).
/// </summary>
public sealed class QueueMetrics(IMeterFactory meters)
{
    private readonly Histogram<double> _lag = AlertMeter.Create(meters).CreateHistogram(
        "alerts.queue.lag", unit: "s", description: "Time from a message being sent to its consumption starting.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = AlertMeter.ShortSeconds });

    public void Consumed(string messageType, TimeSpan lag) =>
        // Clocks of two machines can disagree by a little: a message cannot arrive before it left.
        _lag.Record(Math.Max(0, lag.TotalSeconds), new KeyValuePair<string, object?>("message_type", messageType));
}

/// <summary>
/// Records queue lag for every consumer of the bus, through MassTransit's own observer, so no
/// consumer has to.
/// </summary>
public sealed class QueueLagObserver(QueueMetrics metrics, TimeProvider time) : IConsumeObserver
{
    public Task PreConsume<T>(ConsumeContext<T> context) where T : class
    {
        if (context.SentTime is { } sent)
        {
            metrics.Consumed(typeof(T).Name, time.GetUtcNow().UtcDateTime - DateTime.SpecifyKind(sent, DateTimeKind.Utc));
        }

        return Task.CompletedTask;
    }

    public Task PostConsume<T>(ConsumeContext<T> context) where T : class => Task.CompletedTask;

    public Task ConsumeFault<T>(ConsumeContext<T> context, Exception exception) where T : class => Task.CompletedTask;
}
