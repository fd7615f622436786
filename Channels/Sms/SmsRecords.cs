namespace AlertBroadcaster.Channels.Sms;

/// <summary>
/// The shared send rate: the next free slot (microseconds since 1970 on the database's clock) for
/// every replica together. See <see cref="SmsRateLimiter"/>.
/// </summary>
public sealed class RateLimit
{
    public required string Name { get; set; }

    public long NextSlot { get; set; }
}

/// <summary>
/// A request to the SMS provider that still counts against the shared rate, until
/// <see cref="CountsUntil"/> (microseconds since 1970 on the database's clock): one window after its
/// answer, or its timeout while unanswered. PostgreSQL only; the embedded host keeps them in memory.
/// See <see cref="SmsRateLimiter"/>.
/// </summary>
public sealed class ProviderRequest
{
    public long Id { get; set; }

    public long CountsUntil { get; set; }
}

/// <summary>
/// A 6-digit code texted to a number that asked to subscribe, with the choices it will confirm.
/// The page that takes the code is addressed by a random reference (stored hashed); the code is
/// stored only as a hash bound to that reference. Rows also count towards the per-number and
/// daily limits.
/// </summary>
public sealed class SmsVerification
{
    public long Id { get; set; }

    /// <summary>E.164.</summary>
    public required string Number { get; set; }

    public required string ReferenceHash { get; set; }

    public required string CodeHash { get; set; }

    public string Sites { get; set; } = "";

    public string Topics { get; set; } = "";

    public DateTimeOffset SentAt { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }

    public int FailedAttempts { get; set; }

    public DateTimeOffset? VerifiedAt { get; set; }
}

/// <summary>A text the <c>Log</c> provider "sent": what staff see on the Dashboard's SMS page.</summary>
public sealed class LoggedSms
{
    public long Id { get; set; }

    public required string To { get; set; }

    public required string Body { get; set; }

    public int Segments { get; set; }

    public DateTimeOffset SentAt { get; set; }
}
