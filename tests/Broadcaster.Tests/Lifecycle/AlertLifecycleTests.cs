using AlertBroadcaster.Contracts;
using AlertBroadcaster.TestSupport;
using MassTransit;

namespace AlertBroadcaster.Broadcaster.Tests.Lifecycle;

public sealed class AlertLifecycleTests : IAsyncLifetime
{
    private readonly TempDataDirectory _data = new();
    private BroadcasterHost _broadcaster = null!;

    public async Task InitializeAsync() => _broadcaster = await BroadcasterHost.StartAsync(_data.Path);

    public async Task DisposeAsync()
    {
        Assert.False(await _broadcaster.Harness.Published.Any<Fault>(), "no consumer faulted");
        await _broadcaster.DisposeAsync();
        _data.Dispose();
    }

    private static AlertContent Content(DateTimeOffset? from = null, DateTimeOffset? until = null) => new()
    {
        Kind = AlertKind.VisitingRestrictions,
        Headline = "Visiting restrictions at the John Radcliffe",
        Body = "One visitor per patient.",
        Sites = ["john-radcliffe"],
        EffectiveFrom = from ?? DateTimeOffset.UtcNow,
        ExpiresAt = until,
    };

    [Fact]
    public async Task Alert_effective_now_goes_live_and_is_announced_once()
    {
        var alert = await _broadcaster.PublishAsync(Content());

        Assert.Equal(AlertStatus.Live, alert.Status);
        Assert.Equal(1, alert.Revision);
        await _broadcaster.UntilPublishedAsync<AlertWentLive>(m => m.Alert.Id == alert.Id);
        Assert.True(await _broadcaster.Harness.Consumed.Any<PublishAlert>());
        Assert.Equal(1, _broadcaster.PublishedCount<AlertWentLive>(m => m.Alert.Id == alert.Id));
    }

    [Fact]
    public async Task Alert_in_the_future_is_scheduled_then_goes_live_on_time()
    {
        var from = DateTimeOffset.UtcNow.AddSeconds(3);
        var alert = await _broadcaster.PublishAsync(Content(from));
        Assert.Equal(AlertStatus.Scheduled, alert.Status);

        await Poll.UntilAsync(async () => (await _broadcaster.GetAsync(alert.Id)).Status == AlertStatus.Live, what: "go-live");
        await Poll.UntilAsync(() => Task.FromResult(_broadcaster.PublishedCount<AlertWentLive>(m => m.Alert.Id == alert.Id) == 1), what: "AlertWentLive");
        var wentLive = _broadcaster.Harness.Published.Select<AlertWentLive>().Single(m => m.Context.Message.Alert.Id == alert.Id);
        Assert.True(wentLive.Context.Message.OccurredAt >= from, "not live before effectiveFrom");
    }

    [Fact]
    public async Task Alert_expires_at_its_end_and_is_announced()
    {
        var alert = await _broadcaster.PublishAsync(Content(until: DateTimeOffset.UtcNow.AddSeconds(3)));

        await Poll.UntilAsync(async () => (await _broadcaster.GetAsync(alert.Id)).Status == AlertStatus.Expired, what: "expiry");
        await _broadcaster.UntilPublishedAsync<AlertExpired>(m => m.AlertId == alert.Id);
    }

    [Fact]
    public async Task Publishing_the_same_id_twice_stores_and_announces_one_alert()
    {
        var id = Guid.NewGuid();
        var first = await _broadcaster.PublishAsync(Content(), id);
        var second = await _broadcaster.PublishAsync(Content() with { Headline = "Something else" }, id);

        Assert.Equal(first.Content.Headline, second.Content.Headline);
        Assert.Single(await _broadcaster.OutboxAsync(id));
    }

    [Fact]
    public async Task Withdrawing_twice_is_harmless_and_announced_once()
    {
        var alert = await _broadcaster.PublishAsync(Content());

        var first = await _broadcaster.SendAsync(new WithdrawAlert(alert.Id, "tester"));
        var second = await _broadcaster.SendAsync(new WithdrawAlert(alert.Id, "tester"));

        Assert.True(first.Is(out Response<AlertAccepted>? a) && a.Message.Alert.Status == AlertStatus.Withdrawn);
        Assert.True(second.Is(out Response<AlertAccepted>? b) && b.Message.Alert.Status == AlertStatus.Withdrawn);
        Assert.Equal(["AlertWentLive", "AlertWithdrawn"], (await _broadcaster.OutboxAsync(alert.Id)).Select(m => m.MessageType.Split('.')[^1]));
    }

    [Fact]
    public async Task Scheduled_alert_withdrawn_before_its_start_never_goes_live()
    {
        // Far enough ahead that the withdrawal certainly comes first, even on a loaded machine.
        var from = DateTimeOffset.UtcNow.AddSeconds(8);
        var alert = await _broadcaster.PublishAsync(Content(from));
        await _broadcaster.SendAsync(new WithdrawAlert(alert.Id, "tester"));
        Assert.True(DateTimeOffset.UtcNow < from, "withdrawn before it was due");

        await Poll.UntilPastAsync(from.AddSeconds(1));
        Assert.Equal(AlertStatus.Withdrawn, (await _broadcaster.GetAsync(alert.Id)).Status);
        Assert.DoesNotContain(await _broadcaster.OutboxAsync(alert.Id), m => m.MessageType.EndsWith(nameof(AlertWentLive)));
    }

    [Fact]
    public async Task Update_of_a_live_alert_announces_the_new_revision()
    {
        var alert = await _broadcaster.PublishAsync(Content());

        var response = await _broadcaster.SendAsync(new UpdateAlert(alert.Id, Content() with { Headline = "Visiting suspended" }, "tester"));

        Assert.True(response.Is(out Response<AlertAccepted>? updated));
        Assert.Equal(2, updated.Message.Alert.Revision);
        await _broadcaster.UntilPublishedAsync<AlertUpdated>(m =>
            m.Alert.Id == alert.Id && m.Alert.Revision == 2 && m.Alert.Content.Headline == "Visiting suspended");
    }

    [Fact]
    public async Task Invalid_alert_is_rejected_with_field_errors_and_nothing_is_stored()
    {
        var id = Guid.NewGuid();
        var response = await _broadcaster.SendAsync(new PublishAlert(id, Content() with { Headline = "" }, "tester"));

        Assert.True(response.Is(out Response<AlertRejected>? rejected));
        Assert.Contains("headline", rejected.Message.Errors.Keys);
        var lookup = await _broadcaster.Harness.GetRequestClient<GetAlert>().GetResponse<AlertAccepted, AlertNotFound>(new GetAlert(id));
        Assert.True(lookup.Is(out Response<AlertNotFound>? _));
    }

    [Fact]
    public async Task Commands_for_an_unknown_alert_answer_not_found()
    {
        var response = await _broadcaster.SendAsync(new WithdrawAlert(Guid.NewGuid(), "tester"));
        Assert.True(response.Is(out Response<AlertNotFound>? _));
    }
}
