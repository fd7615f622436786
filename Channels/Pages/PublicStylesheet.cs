namespace AlertBroadcaster.Channels.Pages;

/// <summary>
/// The public pages' stylesheet (Pages/Shared/public.css, embedded) at <c>/css/public.css</c>, from
/// Channels itself so that it is there in the standalone and the embedded host alike, and out of line
/// so that the Content-Security-Policy needs no inline styles.
/// </summary>
public static class PublicStylesheet
{
    public const string Path = "/css/public.css";

    private static readonly Lazy<byte[]> Css = new(() =>
    {
        using var stream = typeof(PublicStylesheet).Assembly.GetManifestResourceStream("public.css")
            ?? throw new InvalidOperationException("public.css is not embedded in Channels.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    });

    public static IEndpointRouteBuilder MapPublicStylesheet(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(Path, (HttpContext context) =>
        {
            context.Response.Headers.CacheControl = "public, max-age=3600";
            return TypedResults.Bytes(Css.Value, "text/css; charset=utf-8");
        }).ExcludeFromDescription();
        return endpoints;
    }
}
