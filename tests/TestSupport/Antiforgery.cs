using System.Text.RegularExpressions;

namespace AlertBroadcaster.TestSupport;

/// <summary>The anti-forgery token a rendered form carries, for tests that post forms as a browser would.</summary>
public static partial class Antiforgery
{
    /// <summary>The form field the token goes in.</summary>
    public const string FieldName = "__RequestVerificationToken";

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();

    /// <summary>The first form's token in <paramref name="html"/>; fails the test when the page has none.</summary>
    public static string TokenIn(string html)
    {
        var match = TokenField().Match(html);
        return match.Success ? match.Groups[1].Value : throw new InvalidOperationException("The page has no anti-forgery token field.");
    }
}
