using System.Net;
using AlertBroadcaster.Channels.Storage;
using AlertBroadcaster.Dashboard.Identity;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AlertBroadcaster.Dashboard.Tests.Security;

/// <summary>
/// Every form handler (each Razor page POST the app maps) refuses a post without the anti-forgery
/// token, even from a signed-in administrator whose cookies a forged cross-site form would carry, and
/// nothing changes.
/// </summary>
public sealed class FormAntiforgeryTests(SecurityApp fixture) : IClassFixture<SecurityApp>
{
    /// <summary>Forms that must work without a token, and why.</summary>
    private static readonly Dictionary<string, string> Exempt = new()
    {
        // RFC 8058 one-click unsubscribe: the mail client POSTs with no page and no cookies. The
        // token in the URL (an HMAC of the subscriber id) is what proves the request.
        ["POST /unsubscribe"] = "RFC 8058 one-click unsubscribe",
    };

    /// <summary>Fields that would make each form do something if the token were not checked.</summary>
    private static readonly KeyValuePair<string, string>[] PlausibleFields =
    [
        new("Input.Kind", "VisitingRestrictions"), new("Input.Severity", "Warning"), new("Input.Headline", "Forged without a token"),
        new("Input.Body", "Forged."), new("Input.Channels", "banner"), new("Input.Sites", "churchill"), new("Input.UrgentReason", "Forged"),
        new("Email", "forged@example.com"), new("Password", DashboardApp.AdminPassword), new("Roles", "Admin"),
        new("Name", "Forged"), new("Key", "forged"), new("Headline", "Forged without a token"), new("Channels", "banner"),
        new("PublishesWithoutApproval", "true"), new("Number", "07700900123"), new("Sites", "churchill"), new("Code", "123456"),
        new("CurrentPassword", DashboardApp.AdminPassword), new("NewPassword", "a forged new password"),
        new("Confirm", "true"), new("Comment", "Forged"), new("Reason", "Forged"), new("Erase", "1"), new("Token", "1.forged"),
    ];

    [Fact]
    public async Task Every_form_posted_without_the_anti_forgery_token_is_refused_and_changes_nothing()
    {
        var forms = (await EndpointCatalog.ListAsync(fixture.App.Services)).Where(e => e.IsPage && e.ChangesState).ToList();
        Assert.Contains(forms, f => f.Key == "POST /Alerts/Create");
        Assert.Contains(forms, f => f.Key == "POST /subscribe");
        Assert.All(Exempt.Keys, key => Assert.Contains(forms, f => f.Key == key));

        // The browser holds a session and the anti-forgery cookie, as a victim's would.
        var admin = await fixture.ClientAsync(Principal.Admin);
        await SecurityApp.AntiforgeryTokenAsync(admin);
        var before = await StateAsync();
        var accepted = new List<string>();
        foreach (var form in forms.Where(f => !Exempt.ContainsKey(f.Key)))
        {
            using var response = await SecurityApp.CallAsync(admin, form, withToken: false, PlausibleFields);
            if (response.StatusCode != HttpStatusCode.BadRequest)
            {
                accepted.Add($"{form.Key}: {(int)response.StatusCode}");
            }
        }

        Assert.True(accepted.Count == 0, "Forms that took a post without the anti-forgery token:\n" + string.Join("\n", accepted));
        Assert.Equal(before, await StateAsync());
        // Still signed in: even signing out needs the token.
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/")).StatusCode);
    }

    /// <summary>What a forged form could change, as one comparable string.</summary>
    private async Task<string> StateAsync()
    {
        await using var scope = fixture.App.Services.CreateAsyncScope();
        var dashboard = scope.ServiceProvider.GetRequiredService<DashboardDbContext>();
        var channels = scope.ServiceProvider.GetRequiredService<ChannelsDbContext>();
        var users = await scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>().Users
            .OrderBy(u => u.Id).Select(u => u.Id + u.PasswordHash + u.SecurityStamp + u.LockoutEnd).ToListAsync();
        return string.Join("|",
            string.Join(",", users),
            await dashboard.ApiKeys.CountAsync(k => k.RevokedAt == null),
            await dashboard.AlertTemplates.CountAsync(),
            await dashboard.AuditEntries.CountAsync(),
            await dashboard.AlertApprovals.CountAsync(),
            await dashboard.QueuedAlerts.CountAsync(),
            await channels.Subscribers.CountAsync(),
            await channels.SmsVerifications.CountAsync(),
            await channels.BannerAlerts.CountAsync(),
            await channels.LoggedSms.CountAsync());
    }
}
