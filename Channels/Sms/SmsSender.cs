using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;

namespace AlertBroadcaster.Channels.Sms;

/// <summary>
/// Every text goes out through here: the configured provider (each request to it takes one shared
/// rate slot, retries included, since the provider counts them too), and <c>Sms:Fallback</c> while the first
/// provider's circuit is open. A message goes to the fallback only after the first provider
/// answered "not taken" (429, 5xx, no connection), never after it took it, so nobody gets two copies.
/// </summary>
public sealed class SmsSender
{
    private readonly ILogger<SmsSender> _logger;
    private readonly List<(ISmsProvider Provider, ResiliencePipeline Breaker)> _providers = [];
    private readonly SemaphoreSlim _warming = new(1, 1);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<SmsProviderName, bool> _warm = new();

    public SmsSender(IEnumerable<ISmsProvider> providers, IOptions<SmsOptions> options, ILogger<SmsSender> logger)
    {
        _logger = logger;
        var byName = providers.ToDictionary(p => p.Name);
        var names = new[] { options.Value.Provider, options.Value.Fallback ?? options.Value.Provider }.Distinct();
        foreach (var name in names)
        {
            var breaker = new ResiliencePipelineBuilder()
                .AddCircuitBreaker(new CircuitBreakerStrategyOptions
                {
                    ShouldHandle = new PredicateBuilder().Handle<SmsTemporaryException>(e => !e.RateLimited),
                    FailureRatio = 0.5,
                    MinimumThroughput = 5,
                    SamplingDuration = TimeSpan.FromSeconds(10),
                    BreakDuration = BreakDuration,
                    OnOpened = args =>
                    {
                        logger.LogWarning("SMS provider {Provider} is failing: circuit open for {Seconds} s ({Error})",
                            name, args.BreakDuration.TotalSeconds, args.Outcome.Exception?.Message);
                        return ValueTask.CompletedTask;
                    },
                    OnClosed = _ =>
                    {
                        logger.LogInformation("SMS provider {Provider} is answering again", name);
                        return ValueTask.CompletedTask;
                    },
                })
                .Build();
            _providers.Add((byName[name], breaker));
        }
    }

    public static readonly TimeSpan BreakDuration = TimeSpan.FromSeconds(15);

    /// <summary>Sends once, or throws <see cref="SmsTemporaryException"/> / <see cref="SmsRefusedException"/>.</summary>
    public async Task<SmsAccepted> SendAsync(SmsMessage message, CancellationToken cancellationToken)
    {
        for (var i = 0; ; i++)
        {
            var (provider, breaker) = _providers[i];
            try
            {
                // The slot is taken inside the breaker: a call the open circuit refuses costs none.
                return await breaker.ExecuteAsync(static (state, ct) => new ValueTask<SmsAccepted>(state.sender.SendThroughAsync(state.provider, state.message, ct)),
                    (provider, message, sender: this), cancellationToken);
            }
            catch (BrokenCircuitException ex)
            {
                // Failing: the fallback (if any) takes this message; otherwise wait until the next probe.
                if (i == _providers.Count - 1)
                {
                    throw new SmsTemporaryException(provider.Name, "failing (circuit open)", ex.RetryAfter ?? BreakDuration, ex);
                }
            }
        }
    }

    /// <summary>
    /// The provider (whose HTTP client waits for the rate slot, <see cref="SmsRateLimitHandler"/>). A process's first request to a provider goes alone, after
    /// a warm-up GET: cold code and connections would make it, and any sent beside it, arrive late
    /// and together, and a burst at the provider is what the shared rate is there to prevent.
    /// </summary>
    private async Task<SmsAccepted> SendThroughAsync(ISmsProvider provider, SmsMessage message, CancellationToken cancellationToken)
    {
        if (!_warm.ContainsKey(provider.Name))
        {
            await _warming.WaitAsync(cancellationToken);
            try
            {
                if (!_warm.ContainsKey(provider.Name))
                {
                    await provider.WarmUpAsync(cancellationToken);
                    try
                    {
                        return await provider.SendAsync(message, cancellationToken);
                    }
                    finally
                    {
                        _warm[provider.Name] = true;
                    }
                }
            }
            finally
            {
                _warming.Release();
            }
        }

        return await provider.SendAsync(message, cancellationToken);
    }
}
