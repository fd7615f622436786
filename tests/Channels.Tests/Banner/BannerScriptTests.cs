using System.Text;
using AlertBroadcaster.Channels.Banner.Script;

namespace AlertBroadcaster.Channels.Tests.Banner;

public sealed class BannerScriptTests
{
    [Fact]
    public void The_script_a_website_downloads_is_under_5_KB_gzipped()
    {
        Assert.InRange(BannerScript.ScriptGzipBytes.Length, 1, 5 * 1024);
    }

    [Fact]
    public void The_stylesheet_is_built_into_the_script_and_nothing_is_left_to_fill_in()
    {
        var script = Encoding.UTF8.GetString(BannerScript.ScriptBytes);
        Assert.DoesNotContain("__CSS__", script);
        Assert.Contains(".nhs-alert--urgent{", script);
        // No markup from data: the body is rebuilt from an allow-list, everything else is text.
        Assert.DoesNotContain("innerHTML", script);
    }
}
