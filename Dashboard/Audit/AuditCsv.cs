using System.Globalization;
using System.Text;

namespace AlertBroadcaster.Dashboard.Audit;

/// <summary>The audit log as CSV (RFC 4180), safe to open in a spreadsheet.</summary>
public static class AuditCsv
{
    public const string Header = "at,actor,action,alertId,summary,before,after";

    public static string Write(IEnumerable<AuditEntry> entries)
    {
        var csv = new StringBuilder().Append(Header).Append("\r\n");
        foreach (var e in entries)
        {
            csv.AppendJoin(',',
                    Cell(e.At.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)),
                    Cell(e.Actor), Cell(e.Action), Cell(e.AlertId?.ToString() ?? ""), Cell(e.Summary), Cell(e.Before ?? ""), Cell(e.After ?? ""))
                .Append("\r\n");
        }

        return csv.ToString();
    }

    /// <summary>
    /// Quoted, with quotes doubled; text a spreadsheet would run as a formula (=, +, -, @, tab,
    /// carriage return first) gets a leading apostrophe, as OWASP advises for CSV injection.
    /// </summary>
    public static string Cell(string value)
    {
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }

        return "\"" + value.Replace("\"", "\"\"") + "\"";
    }
}
