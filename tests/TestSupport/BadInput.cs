namespace AlertBroadcaster.TestSupport;

/// <summary>
/// The bad-input corpus: one list, run through every input of the product by the security tests
/// (API JSON fields, the Dashboard's create form, subscription pages, CSV import, SMS webhooks).
/// </summary>
public static class BadInput
{
    /// <summary>Hostile or awkward text for free-text fields (headline, body, link text, SMS text).</summary>
    /// <param name="Refused">True when the product refuses it (with a message naming the field); false when it is legitimate text that must be stored and render inert.</param>
    public sealed record Text(string Name, string Value, bool Refused)
    {
        public override string ToString() => Name;
    }

    public static readonly Text[] Texts =
    [
        new("script element", "<script>alert(1)</script>", Refused: false),
        new("event handler", "<img src=x onerror=alert(1)>", Refused: false),
        new("attribute break-out", "\"><svg onload=alert(1)>", Refused: false),
        new("javascript: URL as text", "javascript:alert(1)", Refused: false),
        new("Markdown link to javascript:", "[Read more](javascript:alert(1))", Refused: false),
        new("CDATA break-out", "]]></summary><script>alert(1)</script>", Refused: false),
        new("already encoded", "&lt;script&gt;alert(1)&lt;/script&gt;", Refused: false),
        new("SQL metacharacters", "'; DROP TABLE alerts;--", Refused: false),
        new("template syntax", "{{7*7}} ${7*7} @(7*7)", Refused: false),
        new("CR/LF header injection", "Subject\r\nBcc: x@y", Refused: true),
        new("right-to-left override", "Visiting \u202Edesolc\u202C at the Horton", Refused: true),
        new("zero-width space", "Visiting sus\u200Bpended", Refused: true),
        new("NUL", "Visiting\0suspended", Refused: true),
    ];

    /// <summary>Hostile or invalid email addresses: every one is refused.</summary>
    public static readonly string[] EmailAddresses =
    [
        "victim@example.com\r\nBcc: x@y",
        "victim@example.com\nBcc: x@y",
        "\"<script>alert(1)</script>\"@example.com",
        "<img src=x onerror=alert(1)>@example.com",
        "a@b@example.com",
        "x@example.com, y@example.com",
        "x@example.com;y@example.com",
        "Name <x@example.com>",
        "x@example.com'; DROP TABLE subscribers;--",
        "x\u202E@example.com",
        "x\u200B@example.com",
        "javascript:alert(1)//@example.com",
        new string('a', 300) + "@example.com",
        "",
        "@example.com",
        "x@",
    ];

    /// <summary>Hostile or invalid phone numbers: every one is refused.</summary>
    public static readonly string[] PhoneNumbers =
    [
        "07700 900123'; DROP TABLE subscribers;--",
        "07700900123\r\nBcc: x@y",
        "<script>alert(1)</script>",
        "+44 7700 900123\u202E",
        "07700\u200B900123",
        "999",
        "112",
        "0800 123 4567",
        "+1 900 555 0100",
        new string('7', 500),
        "javascript:alert(1)",
    ];

    /// <summary>Bodies that are not an alert: each gets a 4xx with Problem Details, never a 500.</summary>
    public static readonly (string Name, string Json)[] MalformedJson =
    [
        ("truncated", "{\"headline\": "),
        ("an array", "[]"),
        ("null", "null"),
        ("a string", "\"<script>alert(1)</script>\""),
        ("a kind that does not exist", "{\"kind\":\"<script>\",\"headline\":\"x\",\"channels\":[\"banner\"]}"),
        ("a channel that does not exist", "{\"kind\":\"General\",\"headline\":\"x\",\"channels\":[\"fax\"]}"),
        ("a date that is not a date", "{\"kind\":\"General\",\"headline\":\"x\",\"channels\":[\"banner\"],\"expiresAt\":\"'; DROP TABLE alerts;--\"}"),
        ("nested too deep", new string('[', 10_000) + new string(']', 10_000)),
        ("invalid UTF-8 escape", "{\"headline\":\"\\uD800\"}"),
        ("comment", "{/* hi */\"headline\":\"x\"}"),
    ];

    /// <summary>CSV files that are not a subscriber list, or have hostile rows: never a 500, and nothing hostile imported.</summary>
    public static readonly (string Name, string Csv)[] MalformedCsv =
    [
        ("no header", "x@example.com,,,\n"),
        ("binary", "\0\u0001\u0002PK\u0003\u0004"),
        ("unbalanced quote", "email,phone,sites,topics\n\"x@example.com,,,\n"),
        ("hostile rows", "email,phone,sites,topics\n" + string.Join("\n", EmailAddresses.Where(e => !e.Contains('\n') && !e.Contains(',')).Select(e => $"\"{e.Replace("\"", "\"\"")}\",,,")) + "\n"),
        ("hostile numbers", "email,phone,sites,topics\n" + string.Join("\n", PhoneNumbers.Where(p => !p.Contains('\n')).Select(p => $",\"{p}\",,")) + "\n"),
        ("hostile sites and topics", "email,phone,sites,topics\nx@example.com,,<script>alert(1)</script>,'; DROP TABLE alerts;--\n"),
        ("formula", "email,phone,sites,topics\n=HYPERLINK(\"https://evil.example\"),,,\n"),
        ("huge line", "email,phone,sites,topics\n" + new string('a', 200_000) + "@example.com,,,\n"),
    ];
}
