using System.Security.Cryptography;
using System.Text;
using AlertBroadcaster.Channels.Storage;
using AlertBroadcaster.Channels.Subscriptions;
using AlertBroadcaster.Contracts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AlertBroadcaster.Channels.Sms;

/// <summary>
/// SMS subscriptions: a number and choices → a 6-digit code by text (10 minutes, 5 tries) → Active;
/// STOP replies → Unsubscribed. Every code costs money and is what SMS pumping fraud is after, so
/// codes are limited per number per hour and per day for the whole service (both counted in the
/// shared database, so they hold across replicas); the page adds a per-address limit.
/// </summary>
public sealed class SmsSubscriptions(
    ChannelsDbContext db, SmsSender sender, IOptions<SmsOptions> options, TimeProvider time, ILogger<SmsSubscriptions> logger)
{
    public static readonly TimeSpan CodeLifetime = TimeSpan.FromMinutes(10);
    public const int MaxAttempts = 5;

    /// <summary>The words that unsubscribe, as carriers and providers recognise them (any case).</summary>
    public static readonly IReadOnlySet<string> StopWords = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
        { "STOP", "STOPALL", "UNSUBSCRIBE", "END", "QUIT", "CANCEL" };

    public PhoneNumberRules Rules { get; } = new(options.Value.EffectiveRegions);

    /// <summary>Texts a code, or says why not. The reference addresses the page that takes the code.</summary>
    public async Task<CodeRequest> RequestCodeAsync(string number, IReadOnlyCollection<string> sites, IReadOnlyCollection<AlertKind> topics, CancellationToken cancellationToken)
    {
        var limits = options.Value.Verification;
        var now = time.GetUtcNow();
        if (await db.SmsVerifications.CountAsync(v => v.Number == number && v.SentAt > now.AddHours(-1), cancellationToken) >= limits.CodesPerNumberPerHour)
        {
            return CodeRequest.Limited("We've already sent several codes to this number in the last hour. Use the latest code we sent, or try again in an hour.");
        }

        var today = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero);
        if (await db.SmsVerifications.CountAsync(v => v.SentAt >= today, cancellationToken) >= limits.DailyCap)
        {
            logger.LogWarning("Daily cap of {Cap} SMS verification codes reached: sign-ups by text wait until tomorrow", limits.DailyCap);
            return CodeRequest.Limited("We can't send any more codes today. Please try again tomorrow, or sign up for alerts by email.");
        }

        var reference = SubscriberTokens.NewConfirmationToken();
        var code = RandomNumberGenerator.GetInt32(0, 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
        var verification = new SmsVerification
        {
            Number = number,
            ReferenceHash = SubscriberTokens.Hash(reference),
            CodeHash = CodeHash(reference, code),
            Sites = Subscriber.Join(sites),
            Topics = Subscriber.Join(topics.Select(t => t.ToString())),
            SentAt = now,
            ExpiresAt = now + CodeLifetime,
        };
        // Counted before sending: a failed send still used a try, so the limits cannot be dodged by errors.
        db.SmsVerifications.Add(verification);
        await db.SaveChangesAsync(cancellationToken);
        try
        {
            await sender.SendAsync(new SmsMessage(number, $"{code} is your code to get hospital alerts by text. It expires in 10 minutes.", $"verify-{verification.Id}"), cancellationToken);
        }
        catch (Exception ex) when (ex is SmsTemporaryException or SmsRefusedException)
        {
            logger.LogWarning(ex, "Could not text a verification code to the {Number}", PhoneNumberRules.Masked(number));
            return ex is SmsRefusedException
                ? CodeRequest.Limited("We couldn't send a text message to this number. Check it is a mobile number that can receive texts.")
                : CodeRequest.Limited("We couldn't send a text message just now. Please try again in a few minutes.");
        }

        return CodeRequest.Sent(reference);
    }

    /// <summary>The number a reference stands for (masked on the page), or null when unknown.</summary>
    public Task<SmsVerification?> FindAsync(string? reference, CancellationToken cancellationToken) =>
        string.IsNullOrEmpty(reference)
            ? Task.FromResult<SmsVerification?>(null)
            : db.SmsVerifications.AsNoTracking().SingleOrDefaultAsync(v => v.ReferenceHash == SubscriberTokens.Hash(reference), cancellationToken);

    public async Task<VerifyResult> VerifyAsync(string? reference, string? code, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(reference))
        {
            return VerifyResult.Unknown;
        }

        var hash = SubscriberTokens.Hash(reference);
        var verification = await db.SmsVerifications.SingleOrDefaultAsync(v => v.ReferenceHash == hash, cancellationToken);
        var now = time.GetUtcNow();
        if (verification is null || verification.VerifiedAt is not null)
        {
            return VerifyResult.Unknown;
        }

        if (verification.ExpiresAt < now)
        {
            return VerifyResult.Expired;
        }

        if (verification.FailedAttempts >= MaxAttempts)
        {
            return VerifyResult.TooManyAttempts;
        }

        var typed = new string((code ?? "").Where(char.IsDigit).ToArray());
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(CodeHash(reference, typed)), Encoding.ASCII.GetBytes(verification.CodeHash)))
        {
            // Counted in the database, atomically, so parallel guesses share the five tries.
            await db.SmsVerifications.Where(v => v.Id == verification.Id)
                .ExecuteUpdateAsync(u => u.SetProperty(v => v.FailedAttempts, v => v.FailedAttempts + 1), cancellationToken);
            return verification.FailedAttempts + 1 >= MaxAttempts ? VerifyResult.TooManyAttempts : VerifyResult.WrongCode;
        }

        var used = await db.SmsVerifications.Where(v => v.Id == verification.Id && v.VerifiedAt == null && v.FailedAttempts < MaxAttempts)
            .ExecuteUpdateAsync(u => u.SetProperty(v => v.VerifiedAt, now), cancellationToken);
        if (used == 0)
        {
            return VerifyResult.Unknown;
        }

        var subscriber = await db.Subscribers.SingleOrDefaultAsync(s => s.Channel == AlertChannel.Sms && s.Address == verification.Number, cancellationToken);
        if (subscriber is null)
        {
            subscriber = new Subscriber { Channel = AlertChannel.Sms, Address = verification.Number, ConsentSource = "web", CreatedAt = now };
            db.Subscribers.Add(subscriber);
        }

        subscriber.Sites = verification.Sites;
        subscriber.Topics = verification.Topics;
        subscriber.Status = SubscriberStatus.Active;
        subscriber.ConsentAt = now;
        subscriber.ConsentSource = "web";
        subscriber.UpdatedAt = now;
        await db.SaveChangesAsync(cancellationToken);
        return VerifyResult.Verified;
    }

    /// <summary>An inbound text: a stop word unsubscribes the sender at once. Returns whether it did.</summary>
    public async Task<bool> HandleInboundAsync(string? from, string? text, CancellationToken cancellationToken)
    {
        var word = (text ?? "").Trim().TrimEnd('.', '!').Trim();
        if (!StopWords.Contains(word) || !PhoneNumberRules.TryParseAny(from, out var number))
        {
            return false;
        }

        var now = time.GetUtcNow();
        var changed = await db.Subscribers.Where(s => s.Channel == AlertChannel.Sms && s.Address == number && s.Status != SubscriberStatus.Unsubscribed)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.Status, SubscriberStatus.Unsubscribed).SetProperty(s => s.UpdatedAt, now), cancellationToken);
        logger.LogInformation("{Word} from the {Number}: {Result}", word.ToUpperInvariant(), PhoneNumberRules.Masked(number), changed > 0 ? "unsubscribed" : "was not subscribed");
        return changed > 0;
    }

    private static string CodeHash(string reference, string code) => SubscriberTokens.Hash($"{reference}:{code}");
}

public sealed record CodeRequest(string? Reference, string? Problem)
{
    public static CodeRequest Sent(string reference) => new(reference, null);

    public static CodeRequest Limited(string problem) => new(null, problem);
}

public enum VerifyResult
{
    Verified,
    WrongCode,
    TooManyAttempts,
    Expired,
    Unknown,
}
