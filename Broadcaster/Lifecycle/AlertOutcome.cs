using AlertBroadcaster.Contracts;
using MassTransit;

namespace AlertBroadcaster.Broadcaster.Lifecycle;

/// <summary>What a command did: the alert as stored, the validation errors, or no such alert.</summary>
public abstract record AlertOutcome
{
    public sealed record Accepted(AlertDetails Alert) : AlertOutcome;

    public sealed record Rejected(Guid AlertId, IReadOnlyDictionary<string, string[]> Errors) : AlertOutcome;

    public sealed record NotFound(Guid AlertId) : AlertOutcome;

    /// <summary>Answers the request this outcome came from with the matching Contracts response.</summary>
    public Task RespondTo(ConsumeContext context) => this switch
    {
        Accepted a => context.RespondAsync(new AlertAccepted(a.Alert)),
        Rejected r => context.RespondAsync(new AlertRejected(r.AlertId, r.Errors)),
        NotFound n => context.RespondAsync(new AlertNotFound(n.AlertId)),
        _ => throw new InvalidOperationException($"Unknown outcome {GetType().Name}."),
    };
}
