using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.RazorPages.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;

namespace AlertBroadcaster.Dashboard.Tests.Security;

/// <summary>
/// One thing the app answers: an HTTP method on a route pattern, and for a Razor page the named
/// handler (<c>?handler=Name</c>). <see cref="Key"/> is how the security tables name it:
/// <c>GET /api/alerts/{id:guid}</c>, <c>POST /Alerts/Details/{id:guid}?handler=Withdraw</c>.
/// </summary>
public sealed record AppEndpoint(string Method, string Pattern, string? Handler, bool IsPage)
{
    public string Key => Handler is null ? $"{Method} {Pattern}" : $"{Method} {Pattern}?handler={Handler}";

    public bool ChangesState => Method is not ("GET" or "HEAD");

    /// <summary>A URL to call: route parameters filled with values that name nothing (a 404 is still "let through").</summary>
    public string Url
    {
        get
        {
            var path = Regex.Replace(Pattern, @"\{\*{0,2}([^}:?=]+)[^}]*\}", m => m.Groups[1].Value switch
            {
                "id" when m.Value.Contains(":guid") => "6f2c1e0a-0000-4000-8000-000000000001",
                "id" => "no-such-user",
                "channel" => "email",
                "key" => "",
                "path" => "",
                var name => throw new InvalidOperationException($"No test value for the route parameter '{name}' in {Pattern}: add one."),
            });
            path = path.Length > 1 ? path.TrimEnd('/') : path;
            return Handler is null ? path : $"{path}?handler={Handler}";
        }
    }

    public override string ToString() => Key;
}

/// <summary>
/// Every endpoint the embedded host maps, read from its <see cref="EndpointDataSource"/>, so that a
/// new endpoint shows up in the security tests without anyone remembering to add it.
/// </summary>
public static class EndpointCatalog
{
    public static async Task<IReadOnlyList<AppEndpoint>> ListAsync(IServiceProvider services)
    {
        var source = services.GetRequiredService<EndpointDataSource>();
        var loader = services.GetRequiredService<PageLoader>();
        var found = new List<AppEndpoint>();
        var pagesSeen = new HashSet<string>();
        // A page is reachable as /Folder/Index and /Folder/: the shorter route names it.
        foreach (var endpoint in source.Endpoints.OfType<RouteEndpoint>().OrderBy(e => e.RoutePattern.RawText?.Length))
        {
            var pattern = "/" + (endpoint.RoutePattern.RawText ?? "").TrimStart('/');
            if (endpoint.Metadata.GetMetadata<PageActionDescriptor>() is { } page)
            {
                if (!pagesSeen.Add(page.ViewEnginePath))
                {
                    continue;
                }

                var compiled = await loader.LoadAsync(page, endpoint.Metadata);
                found.Add(new AppEndpoint("GET", pattern, null, IsPage: true));
                // Handlers are On{Verb}{Name}; an override such as OnPageHandlerExecutionAsync is a filter, not a handler.
                foreach (var handler in compiled.HandlerMethods.Where(h => h.HttpMethod is "Get" or "Post" or "Put" or "Delete" or "Patch" && !(h.HttpMethod == "Get" && h.Name is null)))
                {
                    found.Add(new AppEndpoint(handler.HttpMethod.ToUpperInvariant(), pattern, handler.Name, IsPage: true));
                }

                continue;
            }

            var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods
                .Where(m => m != HttpMethods.Options && m != HttpMethods.Head).ToList();
            foreach (var method in methods is { Count: > 0 } ? methods : ["GET"])
            {
                found.Add(new AppEndpoint(method, pattern, null, IsPage: false));
            }
        }

        return found.DistinctBy(e => e.Key).OrderBy(e => e.Pattern, StringComparer.Ordinal).ThenBy(e => e.Key, StringComparer.Ordinal).ToList();
    }
}
