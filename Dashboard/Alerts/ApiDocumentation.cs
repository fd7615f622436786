using AlertBroadcaster.Dashboard.Identity;

namespace AlertBroadcaster.Dashboard.Alerts;

/// <summary>
/// The OpenAPI document of the JSON API (<c>/openapi/v1.json</c>, for staff: an API key or the
/// sign-in cookie) and a browsable page for it (<c>/api/docs</c>, Swagger UI, which reads the
/// document with the visitor's own sign-in).
/// </summary>
public static class ApiDocumentation
{
    public const string DocumentPath = "/openapi/v1.json";
    public const string PagePath = "/api/docs";
    private const string Title = "Alert Broadcaster API";

    public static IServiceCollection AddApiDocumentation(this IServiceCollection services) =>
        services.AddOpenApi(o =>
        {
            // The JSON API only, not the pages and their handlers.
            o.ShouldInclude = endpoint => endpoint.RelativePath?.StartsWith("api/", StringComparison.Ordinal) == true;
            o.AddDocumentTransformer((document, _, _) =>
            {
                document.Info.Title = Title;
                document.Info.Description =
                    "Staff API: send an API key as 'Authorization: Bearer <key>' (or be signed in to the Dashboard, and send " +
                    "'X-Requested-With' with changes). Errors are Problem Details. The banner endpoint is public.";
                return Task.CompletedTask;
            });
        });

    public static IApplicationBuilder UseApiDocumentationPage(this IApplicationBuilder app) =>
        app.UseSwaggerUI(o =>
        {
            o.RoutePrefix = PagePath.TrimStart('/');
            o.SwaggerEndpoint(DocumentPath, Title);
            o.DocumentTitle = Title;
        });

    public static IEndpointRouteBuilder MapApiDocumentation(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapOpenApi(DocumentPath).RequireAuthorization(StaffAuthentication.ApiPolicy);
        return endpoints;
    }
}
