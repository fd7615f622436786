using AlertBroadcaster.Broadcaster.Lifecycle;
using AlertBroadcaster.Contracts;
using AlertBroadcaster.ServiceDefaults;
using Microsoft.Extensions.Options;

namespace AlertBroadcaster.Broadcaster.Tests.Lifecycle;

public sealed class AlertValidatorTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);
    private readonly AlertValidator _validator = new(new SiteCatalog(SiteCatalog.TrustSites), new FixedTime(Now), Options.Create(new SmsTextOptions()));

    private static AlertContent Valid() => new()
    {
        Kind = AlertKind.FaceCoverings,
        Headline = "Face coverings",
        Body = "Patients and visitors must wear a face covering in our hospitals.",
        Link = new AlertLink("Read more", "https://www.ouh.nhs.uk/face-coverings"),
        Sites = ["john-radcliffe"],
        Paths = ["/visiting"],
        EffectiveFrom = Now,
        ExpiresAt = Now.AddDays(1),
    };

    [Fact]
    public void A_complete_alert_is_valid() => Assert.Empty(_validator.Validate(Valid()));

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void Headline_is_required(string headline) =>
        Assert.Contains("headline", _validator.Validate(Valid() with { Headline = headline }).Keys);

    [Fact]
    public void Headline_over_120_characters_is_refused()
    {
        Assert.Empty(_validator.Validate(Valid() with { Headline = new string('a', 120) }));
        Assert.Contains("headline", _validator.Validate(Valid() with { Headline = new string('a', 121) }).Keys);
    }

    [Theory]
    [InlineData("Visiting \u202Edesolc\u202C at the Horton", "U+202E")]
    [InlineData("Visiting \u2067suspended\u2069 at the Horton", "U+2067")]
    [InlineData("Visiting sus\u200Bpended at the Horton", "U+200B")]
    [InlineData("\uFEFFVisiting suspended", "U+FEFF")]
    [InlineData("Visiting\u2060suspended", "U+2060")]
    public void Direction_overrides_and_invisible_characters_are_refused_in_every_text_field_and_named(string text, string named)
    {
        foreach (var (field, alert) in new[]
        {
            ("headline", Valid() with { Headline = text }),
            ("body", Valid() with { Body = text }),
            ("link.text", Valid() with { Link = new AlertLink(text, "https://www.ouh.nhs.uk/") }),
            ("smsText", Valid() with { SmsText = text }),
        })
        {
            var errors = _validator.Validate(alert);
            Assert.Equal([field], errors.Keys);
            Assert.Contains(named, errors[field].Single());
        }
    }

    [Theory]
    [InlineData("Family rooms open 👨‍👩‍👧 at the JR")]
    [InlineData("می‌خواهم")]
    [InlineData("Visiting <script>alert(1)</script> & 'quotes'; DROP TABLE alerts;--")]
    public void Joiners_and_markup_like_text_are_legitimate_text(string text) =>
        Assert.Empty(_validator.Validate(Valid() with { Headline = text, Body = text, SmsText = text }));

    [Fact]
    public void Link_text_must_be_one_line() =>
        Assert.Equal(["link.text"], _validator.Validate(Valid() with { Link = new AlertLink("Read\r\nBcc: x@y", "https://www.ouh.nhs.uk/") }).Keys);

    [Fact]
    public void Headline_must_be_one_line() =>
        Assert.Contains("headline", _validator.Validate(Valid() with { Headline = "Visiting\r\nBcc: x" }).Keys);

    [Fact]
    public void Body_over_2000_characters_is_refused()
    {
        Assert.Empty(_validator.Validate(Valid() with { Body = new string('a', 2000) }));
        Assert.Contains("body", _validator.Validate(Valid() with { Body = new string('a', 2001) }).Keys);
    }

    [Theory]
    [InlineData("http://www.ouh.nhs.uk/")]
    [InlineData("javascript:alert(1)")]
    [InlineData("/relative")]
    [InlineData("")]
    public void Link_must_be_https(string url) =>
        Assert.Contains("link.url", _validator.Validate(Valid() with { Link = new AlertLink("Read more", url) }).Keys);

    [Fact]
    public void Expiry_in_the_past_is_refused() =>
        Assert.Contains("expiresAt", _validator.Validate(Valid() with { EffectiveFrom = Now.AddDays(-2), ExpiresAt = Now.AddMinutes(-1) }).Keys);

    [Fact]
    public void Expiry_must_be_after_the_start() =>
        Assert.Contains("expiresAt", _validator.Validate(Valid() with { EffectiveFrom = Now.AddHours(2), ExpiresAt = Now.AddHours(1) }).Keys);

    [Fact]
    public void Unknown_site_is_refused_and_named()
    {
        var errors = _validator.Validate(Valid() with { Sites = ["mars"] });
        Assert.Contains("'mars'", Assert.Single(errors["sites"]));
    }

    [Fact]
    public void Undefined_kind_is_refused() =>
        Assert.Contains("kind", _validator.Validate(Valid() with { Kind = (AlertKind)99 }).Keys);

    [Fact]
    public void No_channel_is_refused() =>
        Assert.Contains("channels", _validator.Validate(Valid() with { Channels = [] }).Keys);

    [Theory]
    [InlineData("visiting")]
    [InlineData("/with space")]
    public void Page_paths_start_with_a_slash_and_have_no_spaces(string path) =>
        Assert.Contains("paths", _validator.Validate(Valid() with { Paths = [path] }).Keys);

    [Fact]
    public void Every_error_is_reported_at_once()
    {
        var errors = _validator.Validate(Valid() with { Headline = "", Body = new string('a', 2001), Sites = ["mars"], ExpiresAt = Now.AddDays(-1) });
        Assert.Equal(["body", "expiresAt", "headline", "sites"], errors.Keys.Order());
    }

    [Fact]
    public void Normalising_trims_text_and_stores_utc()
    {
        var london = new DateTimeOffset(2026, 7, 1, 9, 0, 0, TimeSpan.FromHours(1));
        var content = AlertValidator.Normalise(Valid() with { Headline = "  Face coverings ", EffectiveFrom = london, Sites = ["horton", "horton"] });
        Assert.Equal("Face coverings", content.Headline);
        Assert.Equal(TimeSpan.Zero, content.EffectiveFrom.Offset);
        Assert.Equal(london, content.EffectiveFrom);
        Assert.Equal(["horton"], content.Sites);
    }

    [Fact]
    public void A_text_over_the_part_limit_is_refused_with_its_count()
    {
        // 3 parts of GSM-7 with the opt-out hint: 153 × 2 = 306 septets fit in 2.
        var errors = _validator.Validate(Valid() with { Channels = [AlertChannel.Sms], SmsText = new string('a', 300) });
        var message = Assert.Single(errors["smsText"]);
        Assert.Contains("3 parts", message);
        Assert.Contains("the limit is 2", message);
    }

    [Fact]
    public void A_text_that_fits_two_parts_with_the_hint_is_accepted()
    {
        var hint = "\n" + new SmsTextOptions().OptOutHint;
        var fits = new string('a', 306 - hint.Length);
        Assert.Empty(_validator.Validate(Valid() with { Channels = [AlertChannel.Sms], SmsText = fits }));
    }

    [Fact]
    public void Unicode_text_is_counted_in_shorter_parts()
    {
        // 182 units with the hint: two GSM parts would hold 306, but a curly quote makes it UCS-2 (67 a part).
        var errors = _validator.Validate(Valid() with { Channels = [AlertChannel.Sms], SmsText = "Visitors’ " + new string('a', 140) });
        Assert.Contains("Unicode", Assert.Single(errors["smsText"]));
    }

    [Fact]
    public void Without_the_sms_channel_the_text_length_is_not_counted()
    {
        Assert.Empty(_validator.Validate(Valid() with { Channels = [AlertChannel.Banner], SmsText = new string('a', 900) }));
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
