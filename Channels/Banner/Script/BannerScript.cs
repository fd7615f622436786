using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Primitives;

namespace AlertBroadcaster.Channels.Banner.Script;

/// <summary>
/// <c>GET /banner.js</c> (the embeddable banner, with its stylesheet built in) and <c>GET /banner.css</c>
/// (the same stylesheet, for sites that include the HTML fragment). Both are embedded in Channels,
/// assembled once, and served pre-compressed.
/// </summary>
public static class BannerScript
{
    public const string ScriptPath = "/banner.js";
    public const string StylesheetPath = "/banner.css";

    private static readonly Lazy<string> Css = new(() => Resource("banner.css"));

    private static readonly Lazy<Asset> ScriptAsset = new(() =>
        Asset.From(Resource("banner.js").Replace("__CSS__", JsonSerializer.Serialize(Minify(Css.Value)), StringComparison.Ordinal),
            "text/javascript; charset=utf-8"));

    private static readonly Lazy<Asset> StylesheetAsset = new(() => Asset.From(Css.Value, "text/css; charset=utf-8"));

    /// <summary>The script as sent without compression, for tests and for measuring.</summary>
    public static byte[] ScriptBytes => ScriptAsset.Value.Identity;

    /// <summary>The script as sent to a browser that accepts gzip.</summary>
    public static byte[] ScriptGzipBytes => ScriptAsset.Value.Gzip;

    public static IEndpointRouteBuilder MapBannerScript(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(ScriptPath, (HttpContext http) => ScriptAsset.Value.WriteAsync(http)).AllowAnonymous().ExcludeFromDescription();
        endpoints.MapGet(StylesheetPath, (HttpContext http) => StylesheetAsset.Value.WriteAsync(http)).AllowAnonymous().ExcludeFromDescription();
        return endpoints;
    }

    private static string Resource(string name)
    {
        using var stream = typeof(BannerScript).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"{name} is not embedded in Channels.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    /// <summary>Drops the comment and line breaks: the stylesheet travels inside the script.</summary>
    private static string Minify(string css)
    {
        var start = css.IndexOf("*/", StringComparison.Ordinal);
        return string.Join("", css[(start + 2)..].Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
    }

    private sealed record Asset(byte[] Identity, byte[] Gzip, byte[] Brotli, string ContentType, string ETag)
    {
        public static Asset From(string text, string contentType)
        {
            var bytes = Encoding.UTF8.GetBytes(text);
            return new Asset(bytes, Compress(bytes, s => new GZipStream(s, CompressionLevel.SmallestSize)),
                Compress(bytes, s => new BrotliStream(s, CompressionLevel.SmallestSize)), contentType,
                "\"" + Convert.ToHexStringLower(SHA256.HashData(bytes).AsSpan(0, 12)) + "\"");
        }

        private static byte[] Compress(byte[] bytes, Func<Stream, Stream> compressor)
        {
            using var output = new MemoryStream();
            using (var stream = compressor(output))
            {
                stream.Write(bytes);
            }

            return output.ToArray();
        }

        public Task WriteAsync(HttpContext http)
        {
            var response = http.Response;
            // Sites update within five minutes of a new version; the ETag makes the check cheap.
            response.Headers.CacheControl = "public, max-age=300";
            response.Headers.ETag = ETag;
            response.Headers.Vary = "Accept-Encoding";
            // Pages that isolate themselves (Cross-Origin-Embedder-Policy) may still load it.
            response.Headers["Cross-Origin-Resource-Policy"] = "cross-origin";
            if (BannerQuery.Matches(http.Request.Headers.IfNoneMatch, ETag))
            {
                response.StatusCode = StatusCodes.Status304NotModified;
                return Task.CompletedTask;
            }

            var accepted = http.Request.Headers.AcceptEncoding;
            var (body, encoding) = Accepts(accepted, "br") ? (Brotli, "br") : Accepts(accepted, "gzip") ? (Gzip, "gzip") : (Identity, null);
            if (encoding is not null)
            {
                response.Headers.ContentEncoding = encoding;
            }

            response.ContentType = ContentType;
            response.ContentLength = body.Length;
            return response.Body.WriteAsync(body).AsTask();
        }

        private static bool Accepts(StringValues acceptEncoding, string coding) =>
            acceptEncoding.Any(value => value is not null && value.Split(',').Any(part =>
                part.Split(';')[0].Trim().Equals(coding, StringComparison.OrdinalIgnoreCase) && !part.Replace(" ", "").EndsWith(";q=0", StringComparison.Ordinal)));
    }
}
