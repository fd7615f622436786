using Ganss.Xss;
using Markdig;

namespace AlertBroadcaster.Channels;

/// <summary>
/// An alert's body is limited Markdown. Raw HTML in it is treated as text, then only simple tags and
/// https/mailto links survive, so the same body is safe in the email, the banner and the feeds.
/// </summary>
public static class AlertMarkdown
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder().DisableHtml().Build();

    private static readonly HtmlSanitizer Sanitizer = new(new HtmlSanitizerOptions
    {
        AllowedTags = new HashSet<string>(["p", "br", "strong", "em", "ul", "ol", "li", "a"], StringComparer.OrdinalIgnoreCase),
        AllowedAttributes = new HashSet<string>(["href"], StringComparer.OrdinalIgnoreCase),
        AllowedSchemes = new HashSet<string>(["https", "mailto"], StringComparer.OrdinalIgnoreCase),
        UriAttributes = new HashSet<string>(["href"], StringComparer.OrdinalIgnoreCase),
    });

    public static string ToHtml(string markdown) =>
        string.IsNullOrWhiteSpace(markdown) ? "" : Sanitizer.Sanitize(Markdown.ToHtml(markdown, Pipeline));

    public static string ToText(string markdown) =>
        string.IsNullOrWhiteSpace(markdown) ? "" : Markdown.ToPlainText(markdown, Pipeline).Trim();
}
