namespace AlertBroadcaster.Dashboard;

/// <summary>
/// Staff enter and read times in Europe/London; everything is stored in UTC. Handles the clock
/// changes: a time skipped in spring is refused, a time that happens twice in autumn is read as
/// the first (BST) one.
/// </summary>
public static class LondonTime
{
    public static readonly TimeZoneInfo Zone = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");

    public static DateTimeOffset ToLondon(DateTimeOffset instant) => TimeZoneInfo.ConvertTime(instant, Zone);

    /// <summary>For a datetime-local input: "2026-11-25T14:30".</summary>
    public static string ToInputValue(DateTimeOffset instant) => ToLondon(instant).ToString("yyyy-MM-dd'T'HH:mm");

    /// <summary>For people: "Wed 25 Nov 2026, 14:30 GMT".</summary>
    public static string Format(DateTimeOffset? instant)
    {
        if (instant is null)
        {
            return "Until withdrawn";
        }

        var local = ToLondon(instant.Value);
        return $"{local:ddd d MMM yyyy, HH:mm} {(Zone.IsDaylightSavingTime(local) ? "BST" : "GMT")}";
    }

    /// <summary>"GMT (UTC+0)" or "BST (UTC+1)": the UK's clock at that moment, for hints next to time inputs.</summary>
    public static string Describe(DateTimeOffset instant) =>
        Zone.IsDaylightSavingTime(ToLondon(instant)) ? "British Summer Time (UTC+1)" : "Greenwich Mean Time (UTC+0)";

    /// <summary>Midnight at the start of a UK day (never skipped by a clock change: they happen at 1 a.m.).</summary>
    public static DateTimeOffset StartOfDay(DateOnly day)
    {
        var midnight = day.ToDateTime(TimeOnly.MinValue);
        return new DateTimeOffset(midnight, Zone.GetUtcOffset(midnight)).ToUniversalTime();
    }

    public static bool TryToInstant(DateTime local, out DateTimeOffset instant, out string? error)
    {
        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        if (Zone.IsInvalidTime(local))
        {
            instant = default;
            error = $"{local:HH:mm} on {local:d MMMM} does not exist in the UK: the clocks go forward. Choose a time an hour later.";
            return false;
        }

        var offset = Zone.IsAmbiguousTime(local) ? Zone.GetAmbiguousTimeOffsets(local).Max() : Zone.GetUtcOffset(local);
        instant = new DateTimeOffset(local, offset).ToUniversalTime();
        error = null;
        return true;
    }
}
