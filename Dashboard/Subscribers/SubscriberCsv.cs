using System.Text;
using AlertBroadcaster.Contracts;

namespace AlertBroadcaster.Dashboard.Subscribers;

/// <summary>
/// Reads an import file: a header <c>email,phone,sites,topics</c> (any order, case-insensitive;
/// phone, sites and topics optional) then one subscriber per line. Fields may be quoted (RFC 4180).
/// </summary>
public static class SubscriberCsv
{
    public static readonly string[] Columns = ["email", "phone", "sites", "topics"];

    /// <summary>The rows, or the reason the file as a whole cannot be read (a bad header).</summary>
    public static async Task<(List<SubscriberImportRow> Rows, List<ImportRejection> Rejected, string? Error)> ReadAsync(Stream body, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(body, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        var rows = new List<SubscriberImportRow>();
        var rejected = new List<ImportRejection>();
        var header = await reader.ReadLineAsync(cancellationToken);
        if (header is null)
        {
            return (rows, rejected, "The file is empty. Send CSV with the header 'email,phone,sites,topics'.");
        }

        var names = Split(header, out _).Select(n => n.Trim().ToLowerInvariant()).ToList();
        var index = Columns.ToDictionary(c => c, c => names.IndexOf(c));
        if (index["email"] < 0 || names.Any(n => !Columns.Contains(n)))
        {
            return (rows, rejected, $"The first line must be the header 'email,phone,sites,topics' (found '{Shorten(header)}').");
        }

        var line = 1;
        while (await reader.ReadLineAsync(cancellationToken) is { } text)
        {
            line++;
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }

            var fields = Split(text, out var wellFormed);
            if (!wellFormed || fields.Count > names.Count)
            {
                rejected.Add(new(line, $"Line {line} is not valid CSV (expected {names.Count} fields)."));
                continue;
            }

            string Field(string column) => index[column] is >= 0 and var i && i < fields.Count ? fields[i].Trim() : "";
            rows.Add(new SubscriberImportRow(line, Field("email"), Field("phone"), Field("sites"), Field("topics")));
        }

        return (rows, rejected, null);
    }

    /// <summary>One line's fields; quotes may wrap a field and "" is a quote inside one. No multi-line fields.</summary>
    private static List<string> Split(string line, out bool wellFormed)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"' && field.Length == 0)
            {
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else
            {
                field.Append(c);
            }
        }

        fields.Add(field.ToString());
        wellFormed = !quoted;
        return fields;
    }

    private static string Shorten(string value) => value.Length <= 80 ? value : value[..80] + "…";
}
