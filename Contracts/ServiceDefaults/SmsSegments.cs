using System.Collections.Frozen;

namespace AlertBroadcaster.ServiceDefaults;

/// <summary>How an SMS is encoded on the network and how many parts (segments) it is billed as.</summary>
public enum SmsEncoding
{
    /// <summary>The GSM 03.38 alphabet: 160 characters in one part, 153 a part when concatenated.</summary>
    Gsm7,
    /// <summary>Anything else (curly quotes, emoji, most accents): 70 UTF-16 units in one part, 67 a part.</summary>
    Ucs2,
}

/// <param name="Units">Septets (GSM-7, extension characters count two) or UTF-16 code units (UCS-2).</param>
public sealed record SmsSize(SmsEncoding Encoding, int Units, int Segments)
{
    public string Describe() =>
        $"{Segments} {(Segments == 1 ? "part" : "parts")} ({Units} {(Encoding == SmsEncoding.Gsm7 ? "GSM characters" : "Unicode characters, because of characters outside the GSM alphabet")})";
}

/// <summary>
/// Counts SMS segments as networks bill them. Shared by the Broadcaster (the limit is enforced when
/// an alert is written), the Dashboard (shows the count) and Channels (the text actually sent).
/// </summary>
public static class SmsSegments
{
    private const string Basic =
        "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";

    /// <summary>Sent as an escape plus the character: two septets each.</summary>
    private const string Extension = "^{}\\[~]|€\f";

    private static readonly FrozenSet<char> BasicSet = Basic.ToFrozenSet();
    private static readonly FrozenSet<char> ExtensionSet = Extension.ToFrozenSet();

    /// <summary>The characters that force Unicode (UCS-2), each once, in order of appearance: what to replace to fit more in a part.</summary>
    public static IReadOnlyList<string> OutsideGsm(string text)
    {
        var found = new List<string>();
        for (var i = 0; i < text.Length; i++)
        {
            var pair = char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]);
            var character = pair ? text.Substring(i, 2) : text[i].ToString();
            i += pair ? 1 : 0;
            if ((pair || !(BasicSet.Contains(character[0]) || ExtensionSet.Contains(character[0]))) && !found.Contains(character))
            {
                found.Add(character);
            }
        }

        return found;
    }

    public static SmsSize Measure(string text)
    {
        if (text.All(c => BasicSet.Contains(c) || ExtensionSet.Contains(c)))
        {
            var septets = text.Sum(c => ExtensionSet.Contains(c) ? 2 : 1);
            // An escaped character is never split across two parts, so pack part by part.
            return new SmsSize(SmsEncoding.Gsm7, septets, septets <= 160 ? 1 : Pack(text.Select(c => ExtensionSet.Contains(c) ? 2 : 1), 153));
        }

        // A surrogate pair (an emoji) is never split across two parts either.
        var units = new List<int>();
        for (var i = 0; i < text.Length; i++)
        {
            var pair = char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]);
            units.Add(pair ? 2 : 1);
            i += pair ? 1 : 0;
        }

        return new SmsSize(SmsEncoding.Ucs2, text.Length, text.Length <= 70 ? 1 : Pack(units, 67));
    }

    private static int Pack(IEnumerable<int> characters, int perPart)
    {
        var (parts, used) = (1, 0);
        foreach (var size in characters)
        {
            if (used + size > perPart)
            {
                (parts, used) = (parts + 1, 0);
            }

            used += size;
        }

        return parts;
    }
}
