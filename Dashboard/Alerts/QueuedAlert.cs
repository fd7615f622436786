namespace AlertBroadcaster.Dashboard.Alerts;

/// <summary>
/// A new alert the Dashboard accepted while the Broadcaster could not be reached (broker down,
/// Broadcaster stopped). <see cref="QueuedAlertsDispatcher"/> sends it once the bus is back; the
/// Broadcaster stores a publish once per alert id, so sending it twice is harmless.
/// </summary>
public sealed class QueuedAlert
{
    /// <summary>The alert's id, chosen by the Dashboard, so the author can follow it at once.</summary>
    public Guid Id { get; set; }

    /// <summary>The <c>PublishAlert</c> command as JSON.</summary>
    public required string Command { get; set; }

    public DateTimeOffset QueuedAt { get; set; }

    /// <summary>The Broadcaster's validation errors (JSON) if it refused the alert when it was sent.</summary>
    public string? Refusal { get; set; }
}
