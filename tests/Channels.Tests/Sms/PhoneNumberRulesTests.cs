using AlertBroadcaster.Channels.Sms;

namespace AlertBroadcaster.Channels.Tests.Sms;

public sealed class PhoneNumberRulesTests
{
    private readonly PhoneNumberRules _rules = new(["GB"]);

    [Theory]
    [InlineData("07400 123456")]
    [InlineData("+44 7400 123456")]
    [InlineData("(0)7400-123-456")]
    [InlineData("447400123456")]
    public void Uk_mobiles_as_people_type_them_become_e164(string typed)
    {
        Assert.True(_rules.TryNormalise(typed, out var number, out var reason), reason);
        Assert.Equal("+447400123456", number);
    }

    [Theory]
    [InlineData("", "Enter a mobile phone number")]
    [InlineData("call me", "correct format")]
    [InlineData("07400 1234", "not a valid phone number")]
    [InlineData("07700 900123", "not a valid phone number")] // Ofcom's range for drama: never a real phone
    [InlineData("01865 741166", "landline")] // the John Radcliffe switchboard
    [InlineData("09098 790123", "Premium-rate")]
    [InlineData("+33 6 12 34 56 78", "the UK")] // a French mobile: not an allowed region
    [InlineData("0800 123 4567", "cannot receive text messages")] // freephone
    public void Anything_else_is_refused_with_a_reason(string typed, string reason)
    {
        Assert.False(_rules.TryNormalise(typed, out _, out var given));
        Assert.Contains(reason, given);
    }

    [Fact]
    public void Other_regions_can_be_allowed()
    {
        var rules = new PhoneNumberRules(["GB", "FR"]);
        Assert.True(rules.TryNormalise("+33 6 12 34 56 78", out var number, out _));
        Assert.Equal("+33612345678", number);
    }

    [Fact]
    public void Numbers_are_masked_in_pages_and_logs() =>
        Assert.Equal("number ending 123", PhoneNumberRules.Masked("+447700900123"));
}
