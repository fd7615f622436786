using System.Text;
using MimeKit;
using MimeKit.Encodings;
using MimeKit.IO.Filters;

namespace AlertBroadcaster.Channels.Email;

/// <summary>
/// One body part of an alert email, transfer-encoded once per send instead of once per recipient.
/// MimeKit otherwise scans every part on every send to choose its Content-Transfer-Encoding and
/// then encodes it (quoted-printable for the text part whenever a line starts with "From "). Here
/// the encoding is chosen once by MimeKit itself, with sample links in place, and restricted to
/// what any SMTP server accepts (7bit as is, or quoted-printable); the lines without a link are
/// encoded once (with CRLF line ends, as SMTP sends them), and only the lines carrying a person's
/// links are encoded for each message. <see cref="PreparedAlternative"/> puts two of these together.
/// </summary>
internal sealed class PreparedBody
{
    private const int MaxLine = 998;

    private static readonly FormatOptions Dos = new() { NewLineFormat = NewLineFormat.Dos };

    private readonly bool _quotedPrintable;
    private readonly object[] _segments; // byte[]: encoded lines without links (CRLF); string: a line with marks, and its newline

    private PreparedBody(bool quotedPrintable, object[] segments)
    {
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
                    segments.Add(ToCrLf(Encode(plain.ToString(), quotedPrintable)));
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
            segments.Add(ToCrLf(Encode(plain.ToString(), quotedPrintable)));
        }

        using var head = new MemoryStream();
        using (var part = new TextPart(subtype))
        {
            part.ContentType.Charset = "utf-8";
            if (quotedPrintable)
            {
                part.ContentTransferEncoding = ContentEncoding.QuotedPrintable;
            }

            part.Headers.WriteTo(Dos, head);
        }

        if (!head.ToArray().AsSpan().EndsWith("\r\n\r\n"u8))
        {
            head.Write("\r\n"u8); // the blank line between the part's headers and its content
        }

        return new PreparedBody(quotedPrintable, [.. segments]) { Head = head.ToArray() };
    }

    /// <summary>The part's own header lines and the blank line after them (CRLF), formatted by MimeKit once.</summary>
    public byte[] Head { get; private init; } = [];

    /// <summary>
    /// Adds the part's content for one person (CRLF line ends) to <paramref name="chunks"/>: the
    /// fixed lines as prepared, and the lines carrying their links encoded now. False if their
    /// links do not fit 7bit or contain <paramref name="boundary"/>: then the caller composes the
    /// message with MimeKit instead.
    /// </summary>
    public bool TryAdd(Func<string, string> fillMarks, byte[] boundary, List<byte[]> chunks)
    {
        foreach (var segment in _segments)
        {
            if (segment is byte[] fixedLines)
            {
                chunks.Add(fixedLines);
                continue;
            }

            // A link line never holds a CR (Line refuses one; quoted-printable encodes it), so LF → CRLF is exact.
            var line = Line(fillMarks((string)segment));
            if (line is null || line.AsSpan().IndexOf(boundary) >= 0)
            {
                return false;
            }

            chunks.Add(LineToCrLf(line));
        }

        return true;
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

    /// <summary>LF → CRLF, leaving any CRLF as it is (MimeKit's own filter, once per send).</summary>
    private static byte[] ToCrLf(byte[] lines)
    {
        var filter = new Unix2DosFilter();
        var output = filter.Flush(lines, 0, lines.Length, out var start, out var length);
        return output.AsSpan(start, length).ToArray();
    }

    private static byte[] LineToCrLf(byte[] line)
    {
        var lineFeeds = line.AsSpan().Count((byte)'\n');
        if (lineFeeds == 0)
        {
            return line;
        }

        var output = new byte[line.Length + lineFeeds];
        var at = 0;
        foreach (var b in line)
        {
            if (b == (byte)'\n')
            {
                output[at++] = (byte)'\r';
            }

            output[at++] = b;
        }

        return output;
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
}
