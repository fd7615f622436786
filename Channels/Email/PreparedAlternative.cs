using System.Security.Cryptography;
using System.Text;
using MimeKit;
using MimeKit.IO;
using MimeKit.IO.Filters;

namespace AlertBroadcaster.Channels.Email;

/// <summary>
/// An alert email's multipart/alternative body, laid out once per send as MIME bytes: the
/// boundary, each part's headers and the lines without links are the same for everyone, so a
/// message is those byte arrays with the person's two link lines encoded in between. MimeKit
/// built and wrote a multipart, two parts and their headers for every recipient, filtering every
/// byte for line ends; this writes the same MIME structure, already in CRLF, straight to MailKit's
/// stream (bench/email-fanout.sh --distributed: 141–155 µs of CPU a message against 167–182 before).
/// </summary>
internal sealed class PreparedAlternative
{
    private readonly PreparedBody _text;
    private readonly PreparedBody _html;
    private readonly string _boundary;
    private readonly byte[] _boundaryBytes;
    private readonly byte[] _first; // "--boundary" CRLF
    private readonly byte[] _next; // CRLF "--boundary" CRLF
    private readonly byte[] _end; // CRLF "--boundary--" CRLF

    private PreparedAlternative(PreparedBody text, PreparedBody html, string boundary)
    {
        _text = text;
        _html = html;
        _boundary = boundary;
        _boundaryBytes = Encoding.ASCII.GetBytes(boundary);
        _first = Encoding.ASCII.GetBytes($"--{boundary}\r\n");
        _next = Encoding.ASCII.GetBytes($"\r\n--{boundary}\r\n");
        _end = Encoding.ASCII.GetBytes($"\r\n--{boundary}--\r\n");
    }

    /// <summary>
    /// One boundary for the send. "=_" never occurs in quoted-printable (an "=" is followed by a
    /// hex digit or a line end), and the rest is random, so it cannot occur in 7bit text by
    /// accident; each person's link lines are checked all the same.
    /// </summary>
    public static PreparedAlternative Create(PreparedBody text, PreparedBody html) =>
        new(text, html, $"=_alert_{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12))}");

    /// <summary>The body for one person, or null when their links cannot go in as prepared (then MimeKit composes it).</summary>
    public MimeEntity? For(Func<string, string> text, Func<string, string> html)
    {
        var chunks = new List<byte[]>(12) { _first, _text.Head };
        if (!_text.TryAdd(text, _boundaryBytes, chunks))
        {
            return null;
        }

        chunks.Add(_next);
        chunks.Add(_html.Head);
        if (!_html.TryAdd(html, _boundaryBytes, chunks))
        {
            return null;
        }

        chunks.Add(_end);
        return new Body(new ContentType("multipart", "alternative") { Boundary = _boundary }, chunks);
    }

    /// <summary>The prepared bytes as a MIME entity MimeKit and MailKit write like any other.</summary>
    private sealed class Body(ContentType type, List<byte[]> chunks) : MimeEntity(type)
    {
        /// <summary>Already 7bit or quoted-printable, lines under 998: any SMTP server takes it as it is.</summary>
        public override void Prepare(EncodingConstraint constraint, int maxLineLength = 78)
        {
        }

        public override void WriteTo(FormatOptions options, Stream stream, bool contentOnly, CancellationToken cancellationToken = default)
        {
            // Its headers (Content-Type) and the blank line after them, unless only the content is asked for.
            base.WriteTo(options, stream, contentOnly, cancellationToken);
            if (options.NewLineFormat == NewLineFormat.Dos)
            {
                // SMTP (MailKit always writes CRLF): the prepared bytes as they are.
                foreach (var chunk in chunks)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    stream.Write(chunk, 0, chunk.Length);
                }

                return;
            }

            using var unix = new FilteredStream(stream);
            unix.Add(new Dos2UnixFilter());
            foreach (var chunk in chunks)
            {
                unix.Write(chunk, 0, chunk.Length, cancellationToken);
            }

            unix.Flush(cancellationToken);
        }

        public override Task WriteToAsync(FormatOptions options, Stream stream, bool contentOnly, CancellationToken cancellationToken = default)
        {
            // Small and in memory: written synchronously, like MimeKit writes a memory-backed part.
            WriteTo(options, stream, contentOnly, cancellationToken);
            return Task.CompletedTask;
        }
    }
}
