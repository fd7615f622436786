using System.Text;
using System.Text.Encodings.Web;

namespace AlertBroadcaster.Channels.Banner;

/// <summary>
/// The banner as server-rendered HTML (<c>GET /api/banner/current.html</c>), for sites that include
/// it on the server or cannot run scripts: the same markup and classes as banner.js draws (style it
/// with /banner.css), without the dismiss buttons. Nothing live gives an empty body.
/// </summary>
public static class BannerFragment
{
    private static readonly Dictionary<Contracts.AlertSeverity, string> SeverityText = new()
    {
        [Contracts.AlertSeverity.Info] = "Information",
        [Contracts.AlertSeverity.Warning] = "Warning",
        [Contracts.AlertSeverity.Urgent] = "Urgent",
    };

    public static string Render(IReadOnlyList<BannerAlertJson> alerts)
    {
        if (alerts.Count == 0)
        {
            return "";
        }

        var html = HtmlEncoder.Default;
        var output = new StringBuilder();
        output.Append("<div class=\"nhs-alerts\" role=\"region\" aria-label=\"").Append(alerts.Count == 1 ? "Alert" : "Alerts").Append("\">\n");
        foreach (var alert in alerts)
        {
            output.Append("<div class=\"nhs-alert nhs-alert--").Append(alert.Severity.ToString().ToLowerInvariant()).Append("\"><div class=\"nhs-alert__inner\">\n")
                .Append("<h2 class=\"nhs-alert__heading\"><span class=\"nhs-alert__severity\">").Append(SeverityText[alert.Severity])
                .Append("</span><span class=\"nhs-alert__hidden\">: </span>").Append(html.Encode(alert.Headline)).Append("</h2>\n");
            if (alert.BodyHtml.Length > 0)
            {
                // Sanitised already (AlertMarkdown): only simple tags and https/mailto links.
                output.Append("<div class=\"nhs-alert__body\">").Append(alert.BodyHtml).Append("</div>\n");
            }

            if (alert.Link is { } link && link.Url.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
            {
                output.Append("<p class=\"nhs-alert__link\"><a href=\"").Append(html.Encode(link.Url)).Append("\">")
                    .Append(html.Encode(string.IsNullOrWhiteSpace(link.Text) ? link.Url : link.Text)).Append("</a></p>\n");
            }

            output.Append("</div></div>\n");
        }

        return output.Append("</div>\n").ToString();
    }
}
