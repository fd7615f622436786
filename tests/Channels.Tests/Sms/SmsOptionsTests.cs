using AlertBroadcaster.Channels.Sms;
using Microsoft.Extensions.Configuration;

namespace AlertBroadcaster.Channels.Tests.Sms;

public sealed class SmsOptionsTests
{
    [Fact]
    public void Unset_regions_mean_the_uk()
    {
        Assert.Equal(["GB"], Bind([]).EffectiveRegions);
    }

    [Fact]
    public void Configured_regions_replace_the_uk_rather_than_join_it()
    {
        var options = Bind(new() { ["Sms:AllowedRegions:0"] = "IE", ["Sms:AllowedRegions:1"] = "IM" });

        Assert.Equal(["IE", "IM"], options.EffectiveRegions);
        Assert.False(new PhoneNumberRules(options.EffectiveRegions, "IE").TryNormalise("+44 7400 123456", out _, out _));
    }

    private static SmsOptions Bind(Dictionary<string, string?> settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings).Build().GetSection(SmsOptions.Section).Get<SmsOptions>() ?? new SmsOptions();
}
