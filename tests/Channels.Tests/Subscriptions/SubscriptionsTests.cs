using AlertBroadcaster.Channels.Subscriptions;
using Microsoft.Extensions.Options;

namespace AlertBroadcaster.Channels.Tests.Subscriptions;

public sealed class SubscriptionsTests
{
    [Theory]
    [InlineData("patient@example.com", "patient@example.com")]
    [InlineData("  Patient.Name@Example.NHS.UK ", "Patient.Name@example.nhs.uk")]
    [InlineData("first+alerts@example.co.uk", "first+alerts@example.co.uk")]
    public void A_plain_address_is_accepted_with_its_domain_lower_cased(string input, string expected)
    {
        Assert.True(Channels.Subscriptions.Subscriptions.TryNormaliseEmail(input, out var address, out _));
        Assert.Equal(expected, address);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not an address")]
    [InlineData("patient@localhost")]
    [InlineData("Bob <bob@example.com>")]
    [InlineData("a@example.com, b@example.com")]
    [InlineData("a@example.com\r\nBcc: victim@example.com")]
    [InlineData("@example.com")]
    [InlineData("patient@example.")]
    [InlineData("pat\u202Eient@example.com")]
    [InlineData("pat\u200Bient@example.com")]
    [InlineData("\"<script>alert(1)</script>\"@example.com")]
    public void Anything_but_one_plain_address_is_refused_with_a_message(string input)
    {
        Assert.False(Channels.Subscriptions.Subscriptions.TryNormaliseEmail(input, out _, out var error));
        Assert.NotEmpty(error);
    }

    [Fact]
    public async Task A_manage_token_names_its_subscriber_and_cannot_be_altered()
    {
        var tokens = new SubscriberTokens(null!, Options.Create(new SubscriptionOptions { TokenKey = new string('k', 32) }));
        var token = await tokens.ManageTokenAsync(42, CancellationToken.None);

        Assert.Equal(42, await tokens.ReadManageTokenAsync(token, CancellationToken.None));
        Assert.StartsWith("42.", token);
        Assert.Null(await tokens.ReadManageTokenAsync("43" + token[2..], CancellationToken.None));
        Assert.Null(await tokens.ReadManageTokenAsync(token[..^1] + (token[^1] == 'A' ? 'B' : 'A'), CancellationToken.None));
        Assert.Null(await tokens.ReadManageTokenAsync("", CancellationToken.None));
        Assert.Null(await tokens.ReadManageTokenAsync("nonsense", CancellationToken.None));
    }
}
