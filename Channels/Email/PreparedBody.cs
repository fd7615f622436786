using System.Text;
using MimeKit;
using MimeKit.Encodings;

namespace AlertBroadcaster.Channels.Email;

/// <summary>
/// One body part of an alert email, transfer-encoded once per send instead of once per recipient.
/// MimeKit otherwise scans every part on every send to choose its Content-Transfer-Encoding and
/// then encodes it (quoted-printable for the text part whenever a line starts with "From "). Here
/// the encoding is chosen once by MimeKit itself, with sample links in place, and restricted to
/// what any SMTP server accepts (7bit as is, or quoted-printable); the lines without a link are
/// encoded once, and only the lines carrying a person's links are encoded for each message.
/// </summary>
internal sealed class PreparedBody
{
    private const int MaxLine = 998;

    private readonly string _subtype;
    private readonly bool _quotedPrintable;
    private readonly object[] _segments; // byte[]: encoded lines without links; string: a line with marks, and its newline

    private PreparedBody(string subtype, bool quotedPrintable, object[] segments)
    {
        _subtype = subtype;
        _quotedPrintable = quotedPrintable;
        _segments = segments;
    }

    /// <summary>Null when the content needs base64 (mostly non-ASCII): then each message encodes it as before.</summary>
    public static PreparedBody? Create(string subtype, string content, string[] marks, string sampleLink)
    {
        var sample = content;
        foreach (var mark in marks)
        {
            sample = sample.Replace(mark, sampleLink, StringComparison.Ordinal);
        }

        using var probe = new TextPart(subtype) { Text = sample };
        var encoding = probe.GetBestEncoding(EncodingConstraint.SevenBit, MaxLine);
        if (encoding is not (ContentEncoding.SevenBit or ContentEncoding.QuotedPrintable))
        {
            return null;
        }

        var quotedPrintable = encoding == ContentEncoding.QuotedPrintable;
        var segments = new List<object>();
        var plain = new StringBuilder();
        foreach (var line in Lines(content))
        {
            if (marks.Any(mark => line.Contains(mark, StringComparison.Ordinal)))
            {
                if (plain.Length > 0)
                {
                    segments.Add(Encode(plain.ToString(), quotedPrintable));
                    plain.Clear();
                }

                segments.Add(line);
            }
            else
            {
                plain.Append(line);
            }
        }

        if (plain.Length > 0)
        {
            segments.Add(Encode(plain.ToString(), quotedPrintable));
        }

        return new PreparedBody(subtype, quotedPrintable, [.. segments]);
    }

    /// <summary>The part for one person, or null if their links do not fit 7bit (then the caller encodes as before).</summary>
    public TextPart? For(Func<string, string> fillMarks)
    {
        var chunks = new byte[_segments.Length][];
        var length = 0;
        for (var i = 0; i < _segments.Length; i++)
        {
            var chunk = _segments[i] as byte[] ?? Line(fillMarks((string)_segments[i]));
            if (chunk is null)
            {
                return null;
            }

            chunks[i] = chunk;
            length += chunk.Length;
        }

        var bytes = new byte[length];
        var at = 0;
        foreach (var chunk in chunks)
        {
            chunk.CopyTo(bytes, at);
            at += chunk.Length;
        }

        var transfer = _quotedPrintable ? ContentEncoding.QuotedPrintable : ContentEncoding.Default;
        var part = new Part(_subtype) { Content = new MimeContent(new MemoryStream(bytes, writable: false), transfer) };
        part.ContentType.Charset = "utf-8";
        if (_quotedPrintable)
        {
            part.ContentTransferEncoding = ContentEncoding.QuotedPrintable;
        }

        return part;
    }

    private byte[]? Line(string line)
    {
        if (_quotedPrintable)
        {
            return Encode(line, quotedPrintable: true);
        }

        var bytes = Encoding.UTF8.GetBytes(line);
        var end = bytes.Length > 0 && bytes[^1] == (byte)'\n' ? bytes.Length - 1 : bytes.Length;
        return end <= MaxLine && System.Text.Ascii.IsValid(bytes) && !bytes.AsSpan(0, end).Contains((byte)'\r') ? bytes : null;
    }

    private static byte[] Encode(string text, bool quotedPrintable)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        if (!quotedPrintable)
        {
            return bytes;
        }

        // Each segment ends at a line end (or is the last), and the encoder starts every line afresh,
        // so encoding segment by segment gives the same bytes as encoding the whole part.
        var encoder = new QuotedPrintableEncoder();
        var output = new byte[encoder.EstimateOutputLength(bytes.Length)];
        var written = encoder.Flush(bytes, 0, bytes.Length, output);
        return output[..written];
    }

    private static IEnumerable<string> Lines(string content)
    {
        var start = 0;
        while (start < content.Length)
        {
            var end = content.IndexOf('\n', start);
            end = end < 0 ? content.Length : end + 1;
            yield return content[start..end];
            start = end;
        }
    }

    /// <summary>Already encoded for any SMTP server, so MailKit's per-send scan is skipped.</summary>
    private sealed class Part(string subtype) : TextPart(subtype)
    {
        public override void Prepare(EncodingConstraint constraint, int maxLineLength = 78)
        {
        }
    }
}
