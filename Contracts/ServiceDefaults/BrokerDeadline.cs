using MassTransit;

namespace AlertBroadcaster.ServiceDefaults;

/// <summary>
/// How long a caller waits for the broker at most. Without a bound, a broker restart can leave a
/// caller waiting for ever: RabbitMQ.Client 7.2 may never complete a publish that was in flight
/// when the broker went away (rabbitmq-dotnet-client#1930), and MassTransit starts a request's
/// timeout only once the request has been handed to the transport. Seen in the reliability suite:
/// the Broadcaster's outbox stopped publishing for good, and alerts created through the API went
/// unanswered for minutes instead of being queued. Every publish and request is given a deadline
/// here; a publish past it fails (and is retried like any other failure), a request past it
/// fails as <see cref="RequestTimeoutException"/>, which every caller already handles.
/// </summary>
public static class BrokerDeadline
{
    /// <summary>Time enough for a loaded broker to confirm a message; short enough that an operator sees the failure and a retry.</summary>
    public static readonly TimeSpan Publish = TimeSpan.FromSeconds(30);

    /// <summary>How long past its deadline a cancelled call may take to end before the caller stops waiting for it regardless.</summary>
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Publishes <paramref name="message"/>, failing with <see cref="TimeoutException"/> if the
    /// broker has not taken it within <paramref name="within"/> (default <see cref="Publish"/>).
    /// </summary>
    public static async Task PublishWithinDeadlineAsync(this IPublishEndpoint endpoint, object message, Type messageType, CancellationToken cancellationToken,
        TimeSpan? within = null)
    {
        var limit = within ?? Publish;
        var (_, ended) = await WithinAsync(async deadline => { await endpoint.Publish(message, messageType, deadline); return true; }, limit, cancellationToken);
        if (ended is not null)
        {
            throw new TimeoutException($"The broker did not take {messageType.Name} within {limit.TotalSeconds:0.#} s", ended);
        }
    }

    /// <summary>How long a request waits for its answer unless it says otherwise (request clients are registered with it).</summary>
    public static readonly RequestTimeout Request = RequestTimeout.After(s: 15);

    /// <summary>
    /// Makes a request (<paramref name="request"/> is given the token to pass on), failing with
    /// <see cref="RequestTimeoutException"/> once <paramref name="timeout"/> (default
    /// <see cref="Request"/>) has passed, wherever the request was stuck.
    /// </summary>
    public static async Task<T> RequestAsync<T>(Func<CancellationToken, Task<T>> request, CancellationToken cancellationToken, RequestTimeout timeout = default)
    {
        var within = timeout.HasValue ? timeout.Value : Request.Value;
        var (response, ended) = await WithinAsync(request, within, cancellationToken);
        // MassTransit names the request in its message; this one may not have been sent at all.
        return ended is null ? response! : throw new RequestTimeoutException($"(none: the {within.TotalSeconds:0.#} s deadline passed)", ended);
    }

    /// <summary>
    /// Runs <paramref name="call"/> with a token cancelled at <paramref name="within"/>, and stops
    /// waiting for it <see cref="Grace"/> later even if it does not end; not in time when the
    /// deadline, not the caller, ended it: then <c>Ended</c> is how it ended (the inner exception of
    /// the caller's timeout), null when it was in time.
    /// </summary>
    private static async Task<(T? Value, Exception? Ended)> WithinAsync<T>(Func<CancellationToken, Task<T>> call, TimeSpan within, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(within);
        try
        {
            return (await call(deadline.Token).WaitAsync(within + Grace, cancellationToken), null);
        }
        catch (Exception ended) when (ended is OperationCanceledException or RequestCanceledException or TimeoutException
                                      && !cancellationToken.IsCancellationRequested)
        {
            return (default, ended);
        }
    }
}
