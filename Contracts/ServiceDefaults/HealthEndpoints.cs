using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AlertBroadcaster.ServiceDefaults;

public static class HealthEndpoints
{
    /// <summary>Tag for checks that must pass before a process takes traffic.</summary>
    public const string Ready = "ready";

    /// <summary><c>/health/live</c> (the process answers) and <c>/health/ready</c> (its dependencies answer).</summary>
    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        endpoints.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(Ready) });
        return endpoints;
    }

    /// <summary>
    /// What every host serves for its operators: the health endpoints and <c>/metrics</c>
    /// (Prometheus text format; who may read it: <see cref="MetricsAccess"/>).
    /// </summary>
    public static IEndpointRouteBuilder MapOperationsEndpoints(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapHealthEndpoints().MapMetricsEndpoint();
}
