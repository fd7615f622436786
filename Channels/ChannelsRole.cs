namespace AlertBroadcaster.Channels;

/// <summary>
/// What a standalone Channels process serves, from <c>Channels:Role</c>.
/// </summary>
public enum ChannelsRole
{
    /// <summary>The default: the whole public surface (banner, feeds, subscription pages, provider webhooks) and the delivery workers.</summary>
    Full,

    /// <summary>
    /// The banner replicas behind the websites' polls: the banner JSON and fragment, banner.js and the
    /// feeds, kept current from the bus like any replica, and nothing else: no delivery jobs, no forms.
    /// Its one synchronous database call is the start-up check that the database exists, made on the
    /// main thread before any hosted service has awaited I/O; after that everything is async, so it may
    /// run with the runtime's socket completions inline (no thread-pool hop per read and write:
    /// bench/banner.sh), which a <see cref="Full"/> replica refuses (Jobs/DeliveryJobs.cs). Keep it so:
    /// a synchronous call from a continuation on a socket thread can wait on that thread for good.
    /// </summary>
    Banner,
}

public static class ChannelsRoles
{
    public const string Key = "Channels:Role";

    /// <summary>The configured role; a value that names none fails the start, naming the key.</summary>
    public static ChannelsRole From(IConfiguration configuration)
    {
        var value = configuration[Key];
        if (string.IsNullOrWhiteSpace(value))
        {
            return ChannelsRole.Full;
        }

        var names = Enum.GetNames<ChannelsRole>();
        var name = names.FirstOrDefault(n => n.Equals(value.Trim(), StringComparison.OrdinalIgnoreCase))
            ?? throw new InvalidOperationException($"{Key} must be {string.Join(" or ", names)}, not '{value}'.");
        return Enum.Parse<ChannelsRole>(name);
    }
}
