using AngleSharp.Html.Parser;

namespace AlertBroadcaster.Dashboard.Tests.Security;

/// <summary>Whether HTML the product wrote can run anything: no inline script that came from input, no event handler attributes, no javascript: URLs.</summary>
public static class Inert
{
    private static readonly string[] UrlAttributes = ["href", "src", "action", "formaction", "xlink:href", "data"];

    public static void AssertHtml(string html, string where)
    {
        var document = new HtmlParser().ParseDocument(html);
        foreach (var element in document.All)
        {
            foreach (var attribute in element.Attributes)
            {
                Assert.False(attribute.Name.StartsWith("on", StringComparison.OrdinalIgnoreCase),
                    $"{where}: <{element.LocalName} {attribute.Name}=\"{attribute.Value}\"> is an event handler.");
                Assert.False(UrlAttributes.Contains(attribute.Name.ToLowerInvariant())
                        && attribute.Value.Trim().StartsWith("javascript:", StringComparison.OrdinalIgnoreCase),
                    $"{where}: <{element.LocalName} {attribute.Name}=\"{attribute.Value}\"> is a javascript: URL.");
            }

            Assert.False(element.LocalName == "script" && element.TextContent.Contains("alert(", StringComparison.Ordinal),
                $"{where}: a <script> element carries the input.");
        }
    }

    /// <summary>The text a reader sees.</summary>
    public static string TextOf(string html) => new HtmlParser().ParseDocument(html).Body?.TextContent ?? "";
}
