using AlertBroadcaster.ServiceDefaults;

namespace AlertBroadcaster.Channels.Tests.Sms;

public sealed class SmsSegmentsTests
{
    [Theory]
    [InlineData(0, 1)]
    [InlineData(160, 1)]
    [InlineData(161, 2)]
    [InlineData(306, 2)]
    [InlineData(307, 3)]
    [InlineData(459, 3)]
    public void Gsm_text_is_160_in_one_part_and_153_a_part_after(int length, int parts)
    {
        var size = SmsSegments.Measure(new string('a', length));
        Assert.Equal((SmsEncoding.Gsm7, length, parts), (size.Encoding, size.Units, size.Segments));
    }

    [Fact]
    public void Extension_characters_count_twice_and_are_never_split()
    {
        Assert.Equal(160, SmsSegments.Measure(new string('a', 158) + "€").Units);
        Assert.Equal(1, SmsSegments.Measure(new string('a', 158) + "€").Segments);
        Assert.Equal(2, SmsSegments.Measure(new string('a', 159) + "€").Segments);
        // 152 + an escaped character: it would straddle the first part's end, so it moves to the second.
        Assert.Equal(2, SmsSegments.Measure(new string('a', 152) + "[" + new string('a', 150)).Segments);
        Assert.Equal(3, SmsSegments.Measure(new string('a', 152) + "[" + new string('a', 152)).Segments);
    }

    [Fact]
    public void Pounds_and_accents_of_the_gsm_alphabet_stay_gsm()
    {
        Assert.Equal(SmsEncoding.Gsm7, SmsSegments.Measure("Parking £2.50 at the Churchill; café é à ü").Encoding);
        // An en dash is not in it: the whole text becomes UCS-2.
        Assert.Equal(SmsEncoding.Ucs2, SmsSegments.Measure("Open 9am–5pm").Encoding);
    }

    [Theory]
    [InlineData("Visitors’ rules", SmsEncoding.Ucs2)] // a curly apostrophe
    [InlineData("Closed today 😷", SmsEncoding.Ucs2)]
    [InlineData("Visitors' rules", SmsEncoding.Gsm7)]
    public void Characters_outside_the_alphabet_make_it_ucs2(string text, SmsEncoding encoding) =>
        Assert.Equal(encoding, SmsSegments.Measure(text).Encoding);

    [Theory]
    [InlineData(70, 1)]
    [InlineData(71, 2)]
    [InlineData(134, 2)]
    [InlineData(135, 3)]
    public void Ucs2_text_is_70_in_one_part_and_67_a_part_after(int length, int parts)
    {
        var size = SmsSegments.Measure("’" + new string('a', length - 1));
        Assert.Equal((SmsEncoding.Ucs2, length, parts), (size.Encoding, size.Units, size.Segments));
    }

    [Fact]
    public void An_emoji_is_two_units_and_never_split()
    {
        Assert.Equal(2, SmsSegments.Measure("😷").Units);
        // 66 units then an emoji (2 units) would straddle the first part's end.
        Assert.Equal(2, SmsSegments.Measure(new string('a', 66) + "😷" + new string('a', 5)).Segments);
    }

    [Fact]
    public void The_characters_that_force_unicode_are_named_once_each_in_order()
    {
        Assert.Equal(["’", "😷", "“", "”"], SmsSegments.OutsideGsm("We’re sorry 😷 - no, we’re “sorry”"));
        Assert.Empty(SmsSegments.OutsideGsm("Plain text with £ and € [brackets]"));
    }
}
