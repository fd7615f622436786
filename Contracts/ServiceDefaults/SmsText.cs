using System.ComponentModel.DataAnnotations;
using AlertBroadcaster.Contracts;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace AlertBroadcaster.ServiceDefaults;

/// <summary>
/// The part of the <c>Sms</c> section that decides what a text says and how long it may be. The
/// Broadcaster refuses an alert whose text is too long; Channels composes the same text to send,
/// so both must be given the same values.
/// </summary>
public sealed class SmsTextOptions
{
    public const string Section = "Sms";

    /// <summary>Parts (segments) a text may take, the opt-out hint included; each part is billed.</summary>
    [Range(1, 10)]
    public int MaxSegments { get; set; } = 2;

    /// <summary>Appended to every alert text (and counted); empty for none.</summary>
    [MaxLength(100)]
    public string OptOutHint { get; set; } = "Reply STOP to stop these alerts";

    /// <summary>What the provider charges a part, in pounds (0: not known, no cost estimate is shown).</summary>
    [Range(0, 10)]
    public decimal PricePerSegment { get; set; }
}

/// <summary>What an alert says by SMS: its SMS text (or headline), then the opt-out hint.</summary>
public static class SmsText
{
    public static string Compose(AlertContent content, SmsTextOptions options) =>
        WithHint((string.IsNullOrWhiteSpace(content.SmsText) ? content.Headline : content.SmsText).Trim(), options);

    /// <summary>The short note sent when an alert is withdrawn, cut to fit the part limit.</summary>
    public static string WithdrawalNote(AlertContent content, SmsTextOptions options)
    {
        var headline = content.Headline.Trim();
        while (true)
        {
            var note = WithHint($"No longer in effect: {headline}", options);
            if (headline.Length <= 10 || SmsSegments.Measure(note).Segments <= options.MaxSegments)
            {
                return note;
            }

            headline = headline[..^11].TrimEnd() + "...";
        }
    }

    private static string WithHint(string text, SmsTextOptions options) =>
        string.IsNullOrWhiteSpace(options.OptOutHint) ? text : $"{text}\n{options.OptOutHint.Trim()}";
}

public static class SmsTextExtensions
{
    /// <summary>The <c>Sms</c> text settings, for every component that writes or checks a text.</summary>
    public static IServiceCollection AddSmsText(this IServiceCollection services, IConfiguration configuration)
    {
        if (services.Any(s => s.ServiceType == typeof(SmsTextMarker)))
        {
            return services;
        }

        services.AddSingleton<SmsTextMarker>();
        services.AddOptions<SmsTextOptions>()
            .Bind(configuration.GetSection(SmsTextOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        return services;
    }

    private sealed class SmsTextMarker;
}
