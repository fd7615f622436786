using System.ComponentModel.DataAnnotations;

namespace AlertBroadcaster.Channels.Email;

/// <summary>
/// The <c>Email</c> section. Without <c>Email:Smtp:Host</c> messages are written as <c>.eml</c>
/// files to <see cref="PickupDirectory"/> (default <c>{Storage:DataDirectory}/mail-pickup</c>).
/// </summary>
public sealed class EmailOptions
{
    public const string Section = "Email";

    /// <summary>The sender, e.g. <c>alerts@ouh.nhs.uk</c>.</summary>
    [Required, EmailAddress]
    public string From { get; set; } = "alerts@localhost";

    public string FromName { get; set; } = "Hospital alerts";

    public SmtpOptions Smtp { get; set; } = new();

    /// <summary>Recipients per batch job; each batch uses one SMTP connection for all of them.</summary>
    [Range(1, 5000)]
    public int BatchSize { get; set; } = 200;

    /// <summary>Batches sent at once by one Channels process (its SMTP connections).</summary>
    [Range(1, 64)]
    public int Parallelism { get; set; } = 4;

    /// <summary>Where the public pages are, for the links in emails (confirm, manage, unsubscribe).</summary>
    [Required, Url]
    public string PublicBaseUrl { get; set; } = "http://localhost:5080";

    public string? PickupDirectory { get; set; }

    public Uri Link(string pathAndQuery) => new(new Uri(PublicBaseUrl.TrimEnd('/') + "/"), pathAndQuery.TrimStart('/'));
}

/// <summary><c>Email:Smtp</c>: the relay (the trust's mail server, NHSmail, or a provider).</summary>
public sealed class SmtpOptions
{
    public string? Host { get; set; }

    [Range(1, 65535)]
    public int Port { get; set; } = 587;

    public string? User { get; set; }

    public string? Password { get; set; }

    /// <summary>STARTTLS on 587 (or TLS on connect on 465); false only for a local relay or test server.</summary>
    public bool UseTls { get; set; } = true;
}
