using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using AlertBroadcaster.Channels.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AlertBroadcaster.Channels.Subscriptions;

/// <summary>
/// The tokens in subscription links. Confirmation tokens are random, stored only as a hash, single
/// use. Manage/unsubscribe tokens are <c>{subscriber id}.{HMAC}</c>: they carry no personal data,
/// need no storage (every email can carry one) and cannot be forged. The HMAC key is
/// <c>Subscriptions:TokenKey</c> or, when unset, a random key kept in the Channels database, so
/// every replica shares it and links keep working across restarts.
/// </summary>
public sealed class SubscriberTokens(IServiceScopeFactory scopes, IOptions<SubscriptionOptions> options)
{
    private readonly SemaphoreSlim _loading = new(1, 1);
    private byte[]? _key;

    public static string NewConfirmationToken() => Base64Url(RandomNumberGenerator.GetBytes(32));

    public static string Hash(string token) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    public async Task<string> ManageTokenAsync(long subscriberId, CancellationToken cancellationToken) =>
        ManageToken(subscriberId, await KeyAsync(cancellationToken));

    /// <summary>The subscriber id a manage token stands for, or null when it is not genuine.</summary>
    public async Task<long?> ReadManageTokenAsync(string? token, CancellationToken cancellationToken)
    {
        var dot = token?.IndexOf('.') ?? -1;
        if (dot <= 0 || !long.TryParse(token![..dot], NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            return null;
        }

        var expected = ManageToken(id, await KeyAsync(cancellationToken));
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(token)) ? id : null;
    }

    /// <summary>For a fan-out: the key once, then <see cref="ManageToken(long, byte[])"/> per recipient.</summary>
    public async Task<byte[]> KeyAsync(CancellationToken cancellationToken)
    {
        if (_key is not null)
        {
            return _key;
        }

        if (options.Value.TokenKey is { Length: > 0 } configured)
        {
            return _key = Encoding.UTF8.GetBytes(configured);
        }

        // The batches of a fan-out all ask at once: one of them loads (or creates) the key.
        await _loading.WaitAsync(cancellationToken);
        try
        {
            return _key ??= await LoadOrCreateKeyAsync(cancellationToken);
        }
        finally
        {
            _loading.Release();
        }
    }

    private async Task<byte[]> LoadOrCreateKeyAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ChannelsDbContext>();
        var stored = await db.Secrets.FindAsync([SubscriptionSecret.TokenKeyName], cancellationToken);
        if (stored is null)
        {
            db.Secrets.Add(new SubscriptionSecret { Name = SubscriptionSecret.TokenKeyName, Value = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) });
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException)
            {
                // Another replica stored one first: use theirs.
            }

            db.ChangeTracker.Clear();
            stored = await db.Secrets.FindAsync([SubscriptionSecret.TokenKeyName], cancellationToken);
        }

        return Convert.FromBase64String(stored!.Value);
    }

    public static string ManageToken(long subscriberId, byte[] key)
    {
        var id = subscriberId.ToString(CultureInfo.InvariantCulture);
        var mac = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"manage:{id}"));
        return $"{id}.{Base64Url(mac.AsSpan(0, 16))}";
    }

    private static string Base64Url(ReadOnlySpan<byte> bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

/// <summary>A secret the Channels replicas share (the token key when not configured).</summary>
public sealed class SubscriptionSecret
{
    public const string TokenKeyName = "subscriber-token-key";

    public required string Name { get; set; }

    public required string Value { get; set; }
}
