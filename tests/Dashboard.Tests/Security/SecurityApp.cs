using System.Net;
using System.Net.Http.Headers;
using AlertBroadcaster.Dashboard.Identity;
using Microsoft.AspNetCore.Mvc.Testing;

namespace AlertBroadcaster.Dashboard.Tests.Security;

/// <summary>Who calls: nobody, a signed-in member of staff with one role, or a script with an API key.</summary>
public enum Principal
{
    Anonymous,
    Author,
    Approver,
    Admin,
    ApiKey,
}

/// <summary>
/// The embedded host for the security tests (one per test class), with a client per
/// <see cref="Principal"/>. Staff clients are signed in with exactly one role each and send the
/// header the JSON API asks of signed-in changes, so what is tested is who may call, not CSRF.
/// </summary>
public sealed class SecurityApp : IAsyncLifetime
{
    private readonly Dictionary<Principal, HttpClient> _clients = [];

    public DashboardApp App { get; } = new()
    {
        Settings =
        {
            // The suite posts to the subscribe form from one (test) address far more than a person would.
            ["Subscriptions:RequestsPerAddressPer15Minutes"] = "10000",
            ["Sms:Verification:RequestsPerAddressPer15Minutes"] = "10000",
        },
    };

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await App.DisposeAsync();

    /// <summary>The shared client of <paramref name="principal"/>; <paramref name="fresh"/> for one that may be signed out.</summary>
    public async Task<HttpClient> ClientAsync(Principal principal, bool fresh = false)
    {
        if (!fresh && _clients.TryGetValue(principal, out var shared))
        {
            return shared;
        }

        var client = principal switch
        {
            Principal.Anonymous => App.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true }),
            Principal.Author => await App.StaffClientAsync("security.author@ouh.example", Roles.Author),
            Principal.Approver => await App.StaffClientAsync("security.approver@ouh.example", Roles.Approver),
            Principal.Admin => await App.StaffClientAsync("security.admin@ouh.example", Roles.Admin),
            Principal.ApiKey => ApiKeyClient(),
            _ => throw new ArgumentOutOfRangeException(nameof(principal)),
        };
        if (!fresh)
        {
            _clients[principal] = client;
        }

        return client;
    }

    private HttpClient ApiKeyClient()
    {
        var client = App.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", DashboardApp.ApiKey);
        return client;
    }

    /// <summary>An anti-forgery token for <paramref name="client"/>'s session (and the cookie that goes with it).</summary>
    public static Task<string> AntiforgeryTokenAsync(HttpClient client) => Account.SignInTests.TokenFromAsync(client, "/Account/SignIn");

    /// <summary>
    /// Calls <paramref name="endpoint"/> as a browser or script would: forms with the session's
    /// anti-forgery token (unless <paramref name="withToken"/> is false), JSON APIs with an empty object.
    /// </summary>
    public static async Task<HttpResponseMessage> CallAsync(HttpClient client, AppEndpoint endpoint, bool withToken = true,
        IEnumerable<KeyValuePair<string, string>>? fields = null)
    {
        var request = new HttpRequestMessage(new HttpMethod(endpoint.Method), endpoint.Url);
        if (endpoint.ChangesState)
        {
            if (endpoint.IsPage)
            {
                var form = new List<KeyValuePair<string, string>>(fields ?? []);
                if (withToken)
                {
                    form.Add(KeyValuePair.Create("__RequestVerificationToken", await AntiforgeryTokenAsync(client)));
                }

                request.Content = new FormUrlEncodedContent(form);
            }
            else if (endpoint.Pattern.StartsWith("/api/subscribers/import", StringComparison.Ordinal))
            {
                request.Content = new StringContent("email,phone,sites,topics\n", System.Text.Encoding.UTF8, "text/csv");
            }
            else if (endpoint.Pattern.StartsWith("/sms/", StringComparison.Ordinal) && endpoint.Pattern.EndsWith("/twilio", StringComparison.Ordinal))
            {
                request.Content = new FormUrlEncodedContent([KeyValuePair.Create("From", "+447700900123"), KeyValuePair.Create("Body", "STOP")]);
            }
            else
            {
                request.Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
            }
        }

        // The delivery progress stream stays open: the status line is the answer.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        return await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
    }

    public static bool IsRedirectTo(HttpResponseMessage response, string path) =>
        response.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Found or HttpStatusCode.SeeOther
        && response.Headers.Location is { } location
        && (location.IsAbsoluteUri ? location.AbsolutePath : location.OriginalString.Split('?')[0])
            .Equals(path, StringComparison.OrdinalIgnoreCase);
}
