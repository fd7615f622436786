using System.ComponentModel.DataAnnotations;

namespace AlertBroadcaster.Channels.Sms;

/// <summary>
/// The <c>Sms</c> section (the text settings, <c>Sms:MaxSegments</c> and <c>Sms:OptOutHint</c>, are
/// <see cref="ServiceDefaults.SmsTextOptions"/>). <c>Sms:Provider</c> <c>Log</c> sends nothing: the
/// messages are listed on the Dashboard's SMS page and in the log.
/// </summary>
public sealed class SmsOptions
{
    public const string Section = "Sms";

    public SmsProviderName Provider { get; set; } = SmsProviderName.Log;

    /// <summary>A second provider, used while the first is failing (its circuit is open).</summary>
    public SmsProviderName? Fallback { get; set; }

    /// <summary>
    /// ISO 3166 regions whose mobiles may subscribe and receive texts; unset means GB. Null rather than
    /// a list with GB in it: the configuration binder appends to an array it finds, so setting IE alone
    /// would have allowed GB and IE.
    /// </summary>
    public string[]? AllowedRegions { get; set; }

    public IReadOnlyList<string> EffectiveRegions => AllowedRegions is { Length: > 0 } configured ? configured : ["GB"];

    /// <summary>One rate for every Channels replica together: the provider's or the sender number's limit.</summary>
    [Range(0.1, 10_000)]
    public double MessagesPerSecond { get; set; } = 10;

    /// <summary>Recipients per batch job.</summary>
    [Range(1, 5000)]
    public int BatchSize { get; set; } = 200;

    /// <summary>Batches one Channels process runs at once.</summary>
    [Range(1, 64)]
    public int Parallelism { get; set; } = 2;

    /// <summary>Provider requests a batch keeps in flight (the shared rate still holds).</summary>
    [Range(1, 256)]
    public int Concurrency { get; set; } = 20;

    /// <summary>
    /// The public address of Channels as the provider sees it, for status callbacks and for checking
    /// Twilio's signatures. Defaults to <c>Email:PublicBaseUrl</c>.
    /// </summary>
    [Url]
    public string? PublicBaseUrl { get; set; }

    public TwilioOptions Twilio { get; set; } = new();

    public NotifyOptions Notify { get; set; } = new();

    public VerificationOptions Verification { get; set; } = new();

    /// <summary>A callback address the provider is given (receipts, inbound texts).</summary>
    public Uri CallbackUrl(string path) => new(new Uri(PublicBaseUrl!.TrimEnd('/') + "/"), path);
}

public enum SmsProviderName
{
    Log,
    Twilio,
    Notify,
}

/// <summary><c>Sms:Twilio</c>: Programmable Messaging.</summary>
public sealed class TwilioOptions
{
    [Url]
    public string BaseUrl { get; set; } = "https://api.twilio.com";

    public string? AccountSid { get; set; }

    /// <summary>Also the key that signs Twilio's callbacks (<c>X-Twilio-Signature</c>).</summary>
    public string? AuthToken { get; set; }

    /// <summary>The sender number (E.164) or alphanumeric sender id; or set <see cref="MessagingServiceSid"/>.</summary>
    public string? From { get; set; }

    public string? MessagingServiceSid { get; set; }
}

/// <summary><c>Sms:Notify</c>: GOV.UK Notify.</summary>
public sealed class NotifyOptions
{
    [Url]
    public string BaseUrl { get; set; } = "https://api.notifications.service.gov.uk";

    /// <summary>The API key as Notify shows it: <c>{name}-{service id}-{secret}</c>.</summary>
    public string? ApiKey { get; set; }

    /// <summary>A text message template whose whole content is <c>((body))</c>.</summary>
    public string? TemplateId { get; set; }

    /// <summary>The bearer token entered in Notify for its delivery-receipt and received-text callbacks.</summary>
    public string? CallbackToken { get; set; }
}

/// <summary><c>Sms:Verification</c>: the code texted to a new number, and the limits that stop SMS pumping.</summary>
public sealed class VerificationOptions
{
    [Range(1, 100)]
    public int CodesPerNumberPerHour { get; set; } = 3;

    [Range(1, 1000)]
    public int RequestsPerAddressPer15Minutes { get; set; } = 5;

    /// <summary>Verification texts for the whole service per UTC day; beyond it, sign-ups wait until tomorrow.</summary>
    [Range(1, 1_000_000)]
    public int DailyCap { get; set; } = 1000;
}
