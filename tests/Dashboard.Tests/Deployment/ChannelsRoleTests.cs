using AlertBroadcaster.Channels;
using AlertBroadcaster.ServiceDefaults;
using AlertBroadcaster.TestSupport;
using Microsoft.Extensions.Configuration;

namespace AlertBroadcaster.Dashboard.Tests.Deployment;

/// <summary><c>Channels:Role</c>: a full replica by default, a banner replica when asked, and a clear refusal of anything else.</summary>
public sealed class ChannelsRoleTests
{
    [Theory]
    [InlineData(null, ChannelsRole.Full)]
    [InlineData("", ChannelsRole.Full)]
    [InlineData("Full", ChannelsRole.Full)]
    [InlineData("Banner", ChannelsRole.Banner)]
    [InlineData(" banner ", ChannelsRole.Banner)]
    public void The_role_is_read_from_Channels_Role(string? value, ChannelsRole expected) =>
        Assert.Equal(expected, ChannelsRoles.From(Configuration(value)));

    [Theory]
    [InlineData("Banners")]
    [InlineData("1")]
    public void A_value_that_names_no_role_is_refused_naming_the_key_and_the_roles(string value)
    {
        var refusal = Assert.Throws<InvalidOperationException>(() => ChannelsRoles.From(Configuration(value)));
        Assert.Equal($"Channels:Role must be Full or Banner, not '{value}'.", refusal.Message);
    }

    [Fact]
    public async Task A_replica_given_an_unknown_role_does_not_start_and_says_why()
    {
        using var data = new TempDataDirectory();
        var (exitCode, output) = await HostProcess.RunUntilExitAsync("Channels", new()
        {
            ["Storage__DataDirectory"] = data.Path,
            ["Channels__Role"] = "Banners",
        });

        Assert.Equal(ProcessEntry.FailedExitCode, exitCode);
        Assert.Contains("Channels stopped: Channels:Role must be Full or Banner, not 'Banners'.", output);
    }

    private static IConfiguration Configuration(string? role) =>
        new ConfigurationBuilder().AddInMemoryCollection([new(ChannelsRoles.Key, role)]).Build();
}
