using System.Net;
using System.Text;

namespace AlertBroadcaster.Channels.Email;

/// <summary>
/// The HTML shell of every email: NHS blue header, one column, inline styles only (mail clients
/// drop style sheets), no images, layout tables marked presentational, the severity in words.
/// Every argument but <c>bodyHtml</c> and <c>footer</c> is plain text and encoded here.
/// </summary>
internal static class EmailLayout
{
    private const string Font = "font-family: Frutiger, Arial, Helvetica, sans-serif;";

    public static string Html(
        string title, string label, bool urgent, string headline, string bodyHtml,
        IReadOnlyList<(string Name, string Value)> facts, (string Text, string Url)? link, string footer)
    {
        string E(string value) => WebUtility.HtmlEncode(value);
        var labelColours = urgent ? "background:#d5281b;color:#ffffff;" : "background:#ffeb3b;color:#212b32;";
        var html = new StringBuilder()
            .Append("<!DOCTYPE html><html lang=\"en-GB\"><head><meta charset=\"utf-8\">")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            .Append("<title>\n").Append(E(title)).Append("</title></head>\n")
            .Append("<body style=\"margin:0;padding:0;background:#f0f4f5;").Append(Font).Append("color:#212b32;\">")
            .Append("<table role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" style=\"background:#f0f4f5;\"><tr><td align=\"center\" style=\"padding:16px;\">")
            .Append("<table role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" style=\"max-width:600px;background:#ffffff;\">")
            .Append("<tr><td style=\"background:#005eb8;color:#ffffff;padding:16px 24px;font-size:18px;font-weight:bold;\">")
            .Append("<span style=\"background:#ffffff;color:#005eb8;padding:0 6px;margin-right:8px;\">NHS</span>Hospital alerts</td></tr>")
            .Append("<tr><td style=\"padding:24px;font-size:16px;line-height:1.5;\">")
            .Append("<p style=\"margin:0 0 12px;\"><strong style=\"display:inline-block;padding:2px 8px;").Append(labelColours).Append("\">")
            .Append(E(label)).Append("</strong></p>\n")
            .Append("<h1 style=\"font-size:24px;line-height:1.3;margin:0 0 16px;color:#212b32;\">").Append(E(headline)).Append("</h1>\n")
            .Append(bodyHtml);
        foreach (var (name, value) in facts)
        {
            html.Append("<p style=\"margin:8px 0;\"><strong>").Append(E(name)).Append(":</strong> ").Append(E(value)).Append("</p>\n");
        }

        if (link is { } l)
        {
            html.Append("<p style=\"margin:16px 0;\"><a href=\"").Append(E(l.Url)).Append("\" style=\"color:#005eb8;font-weight:bold;\">")
                .Append(E(l.Text)).Append("</a></p>\n");
        }

        return html
            .Append("</td></tr><tr><td style=\"padding:16px 24px;border-top:4px solid #005eb8;font-size:14px;color:#4c6272;\">")
            .Append(footer)
            .Append("</td></tr></table></td></tr></table></body></html>\n")
            .ToString();
    }

    /// <summary>The alert footer; the two marks become each person's links (already attribute-safe).</summary>
    public static string AlertFooter(string manageMark, string unsubscribeMark) =>
        "<p style=\"margin:0 0 8px;\">You get this because you subscribed to hospital alerts.</p>" +
        $"<p style=\"margin:0;\"><a href=\"{manageMark}\" style=\"color:#005eb8;\">Manage your alerts</a> &nbsp;|&nbsp; " +
        $"<a href=\"{unsubscribeMark}\" style=\"color:#005eb8;\">Unsubscribe</a></p>";
}
