using PhoneNumbers;

namespace AlertBroadcaster.Channels.Sms;

/// <summary>
/// Mobile numbers as people type them ("07700 900123", "+44 7700 900123") → E.164 ("+447700900123"),
/// or a reason a member of the public can act on. Only mobiles in the allowed countries: landlines
/// cannot receive SMS, and premium-rate and foreign numbers are how SMS pumping fraud makes money.
/// </summary>
public sealed class PhoneNumberRules(IReadOnlyCollection<string> allowedRegions, string defaultRegion = "GB")
{
    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();

    public bool TryNormalise(string? input, out string e164, out string reason)
    {
        e164 = "";
        reason = "";
        if (string.IsNullOrWhiteSpace(input))
        {
            reason = "Enter a mobile phone number, like 07700 900123.";
            return false;
        }

        PhoneNumber number;
        try
        {
            number = Util.Parse(input.Trim(), defaultRegion);
        }
        catch (NumberParseException)
        {
            reason = "Enter a mobile phone number in the correct format, like 07700 900123.";
            return false;
        }

        if (!Util.IsValidNumber(number))
        {
            reason = "This is not a valid phone number. Check it and try again, like 07700 900123.";
            return false;
        }

        var region = Util.GetRegionCodeForNumber(number);
        if (!allowedRegions.Contains(region, StringComparer.OrdinalIgnoreCase))
        {
            reason = $"We can only send text messages to mobile numbers in {DescribeRegions()}.";
            return false;
        }

        switch (Util.GetNumberType(number))
        {
            case PhoneNumberType.MOBILE:
            case PhoneNumberType.FIXED_LINE_OR_MOBILE:
                e164 = Util.Format(number, PhoneNumberFormat.E164);
                return true;
            case PhoneNumberType.PREMIUM_RATE:
            case PhoneNumberType.SHARED_COST:
                reason = "Premium-rate and shared-cost numbers cannot receive alerts. Enter a mobile phone number.";
                return false;
            case PhoneNumberType.FIXED_LINE:
                reason = "This is a landline number, which cannot receive text messages. Enter a mobile phone number.";
                return false;
            default:
                reason = "This number cannot receive text messages. Enter a mobile phone number.";
                return false;
        }
    }

    /// <summary>A number as a provider reports it (already international), in E.164; any country.</summary>
    public static bool TryParseAny(string? input, out string e164)
    {
        e164 = "";
        try
        {
            var number = Util.Parse(input?.Trim() ?? "", "GB");
            e164 = Util.Format(number, PhoneNumberFormat.E164);
            return Util.IsPossibleNumber(number);
        }
        catch (NumberParseException)
        {
            return false;
        }
    }

    private string DescribeRegions() =>
        string.Join(", ", allowedRegions.Select(r => r.Equals("GB", StringComparison.OrdinalIgnoreCase) ? "the UK" : r.ToUpperInvariant()));

    /// <summary>For pages and logs: "the number ending 123", never the whole number.</summary>
    public static string Masked(string e164) => e164.Length > 3 ? $"number ending {e164[^3..]}" : "number";
}
