using System.Security.Cryptography;
using System.Text;

namespace AlertBroadcaster.Dashboard.Identity;

/// <summary>
/// A bearer key an Admin made for a script or another system. Only the SHA-256 of the key is
/// stored: the key is shown once, when made, and cannot be read back.
/// </summary>
public sealed class ApiKey
{
    public Guid Id { get; set; }

    /// <summary>What it is for ("CRM nightly import"); it names the key's actions in the audit log.</summary>
    public required string Name { get; set; }

    /// <summary>Hex SHA-256 of the key. A key is 256 random bits, so a plain hash is enough (nothing to guess).</summary>
    public required string Hash { get; set; }

    /// <summary>The key's first characters, so staff can tell keys apart.</summary>
    public required string Prefix { get; set; }

    /// <summary>Whether alerts it creates skip approval (a trusted system); otherwise they wait like an Author's.</summary>
    public bool PublishesWithoutApproval { get; set; }

    public required string CreatedBy { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }

    public string? RevokedBy { get; set; }

    /// <summary>A new key: <c>ab_</c> and 43 URL-safe characters (256 bits).</summary>
    public static string NewSecret() => "ab_" + Base64UrlEncode(RandomNumberGenerator.GetBytes(32));

    public static string HashOf(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    private static string Base64UrlEncode(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

/// <summary>Claims the Dashboard adds to a principal.</summary>
public static class StaffClaims
{
    /// <summary>"true" on API keys whose alerts skip approval (the configured <c>Api:Keys</c> and keys an Admin marked so).</summary>
    public const string PublishesWithoutApproval = "alert-broadcaster/publishes-without-approval";
}
