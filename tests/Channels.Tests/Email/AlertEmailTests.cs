using System.Text;
using AlertBroadcaster.Channels.Email;
using AlertBroadcaster.Contracts;
using AlertBroadcaster.ServiceDefaults;
using MimeKit;

namespace AlertBroadcaster.Channels.Tests.Email;

public sealed class AlertEmailTests
{
    private static readonly AlertEmailSettings Settings = new("alerts@ouh.example", "OUH alerts", "ouh.example");
    private static readonly SiteCatalog Sites = new(SiteCatalog.TrustSites);
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);
    private static readonly Uri Manage = new("https://alerts.ouh.example/subscriptions/manage?token=7.abc");
    private static readonly Uri Unsubscribe = new("https://alerts.ouh.example/unsubscribe?token=7.abc");

    private static AlertSnapshot Alert(string headline = "Visiting restrictions", string body = "", AlertLink? link = null, IReadOnlyList<string>? sites = null) =>
        new(Guid.Parse("2c3a00d2-adcf-484b-8ffd-fba07bc71853"), 3, new AlertContent
        {
            Kind = AlertKind.VisitingRestrictions,
            Severity = AlertSeverity.Urgent,
            Headline = headline,
            Body = body,
            Link = link,
            Sites = sites ?? [],
            EffectiveFrom = Now,
            ExpiresAt = Now.AddDays(7),
        });

    private static MimeMessage Send(AlertSnapshot alert, AlertEmailPurpose purpose = AlertEmailPurpose.NewAlert)
    {
        using var message = AlertEmail.Render(alert, purpose, Settings, Sites).For("patient@example.com", Manage, Unsubscribe, Now);
        return Received(message);
    }

    /// <summary>The message as a server receives it: prepared and written the way MailKit sends it, then parsed.</summary>
    private static MimeMessage Received(MimeMessage sent) => AlertEmail.AsReceived(sent);

    [Fact]
    public void Has_a_plain_text_and_an_html_part_with_the_alert_and_both_links()
    {
        var message = Send(Alert(sites: ["horton"], body: "One visitor per patient."));

        Assert.Equal("Visiting restrictions", message.Subject);
        Assert.StartsWith("URGENT", message.TextBody); // the part starts right after its headers
        Assert.Contains("One visitor per patient.", message.TextBody);
        Assert.Contains("Horton General Hospital", message.TextBody);
        Assert.Contains("Wednesday 25 November 2026, 9:00am", message.TextBody);
        Assert.Contains("<h1", message.HtmlBody);
        Assert.Contains("lang=\"en-GB\"", message.HtmlBody);
        Assert.DoesNotContain("<img", message.HtmlBody);
        Assert.Contains("Urgent", message.HtmlBody);
        foreach (var body in new[] { message.TextBody, message.HtmlBody })
        {
            Assert.Contains(Manage.AbsoluteUri, body);
            Assert.Contains(Unsubscribe.AbsoluteUri, body);
        }
    }

    [Fact]
    public void The_body_written_on_its_own_is_a_multipart_with_both_parts()
    {
        using var message = AlertEmail.Render(Alert(body: "One visitor per patient."), AlertEmailPurpose.NewAlert, Settings, Sites)
            .For("patient@example.com", Manage, Unsubscribe, Now);
        using var written = new MemoryStream();
        Assert.NotNull(message.Body);
        message.Body.WriteTo(new FormatOptions { NewLineFormat = NewLineFormat.Dos }, written);
        var raw = Encoding.ASCII.GetString(written.ToArray());
        Assert.Equal(raw.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4, raw.IndexOf("--=_", StringComparison.Ordinal)); // one blank line after the headers, then the first part
        written.Position = 0;

        using var body = Assert.IsType<MultipartAlternative>(MimeEntity.Load(written));
        Assert.StartsWith("URGENT", body.TextBody);
        Assert.Contains(Manage.AbsoluteUri, body.TextBody);
        Assert.Contains(Unsubscribe.AbsoluteUri, body.HtmlBody);
    }

    [Fact]
    public void Carries_the_headers_mail_clients_and_tracing_need()
    {
        var message = Send(Alert());

        Assert.Equal($"<{Unsubscribe.AbsoluteUri}>", message.Headers["List-Unsubscribe"]);
        Assert.Equal("List-Unsubscribe=One-Click", message.Headers["List-Unsubscribe-Post"]);
        Assert.Equal("2c3a00d2-adcf-484b-8ffd-fba07bc71853", message.Headers["X-Alert-Id"]);
        Assert.Equal("3", message.Headers["X-Alert-Revision"]);
        Assert.EndsWith("@ouh.example", message.MessageId);
        Assert.StartsWith("2c3a00d2adcf484b8ffdfba07bc71853.3.", message.MessageId);
        Assert.Equal(Now, message.Date);
        Assert.Equal("alerts@ouh.example", message.From.Mailboxes.Single().Address);
    }

    [Fact]
    public void Each_recipient_gets_their_own_links_and_message_id()
    {
        var email = AlertEmail.Render(Alert(), AlertEmailPurpose.NewAlert, Settings, Sites);
        var first = Received(email.For("a@example.com", new Uri("https://x.example/m?token=1.a"), new Uri("https://x.example/u?token=1.a"), Now));
        var second = Received(email.For("b@example.com", new Uri("https://x.example/m?token=2.b"), new Uri("https://x.example/u?token=2.b"), Now));

        Assert.Contains("token=1.a", first.TextBody);
        Assert.DoesNotContain("token=2.b", first.HtmlBody);
        Assert.Contains("token=2.b", second.HtmlBody);
        Assert.NotEqual(first.MessageId, second.MessageId);
    }

    [Fact]
    public void A_line_break_in_the_headline_cannot_add_a_header()
    {
        var message = Send(Alert(headline: "Hi\r\nBcc: victim@example.com"));

        Assert.Equal("Hi Bcc: victim@example.com", message.Subject);
        Assert.Empty(message.Bcc);
        using var raw = new MemoryStream();
        message.WriteTo(raw);
        Assert.DoesNotContain("\nBcc:", System.Text.Encoding.UTF8.GetString(raw.ToArray()));
    }

    [Fact]
    public void Script_and_markup_in_the_alert_arrive_inert()
    {
        var message = Send(Alert(
            headline: "<script>alert(1)</script>",
            body: "<img src=x onerror=alert(1)> <a href=\"https://evil.example\">raw</a> [js](javascript:alert(1)) [ok](https://www.ouh.nhs.uk)",
            link: new AlertLink("<b>More</b>", "https://www.ouh.nhs.uk/?q=\"><script>")));

        var html = message.HtmlBody;
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<b>", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("javascript:", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<a href=\"https://evil.example\"", html);
        Assert.Contains("href=\"https://www.ouh.nhs.uk\"", html);
    }

    [Fact]
    public void Markdown_renders_bold_and_lists()
    {
        var html = Send(Alert(body: "**One visitor** per patient.\n\n- Wear a mask\n- Wash your hands")).HtmlBody;

        Assert.Contains("<strong>One visitor</strong>", html);
        Assert.Contains("<li>Wear a mask</li>", html);
    }

    [Fact]
    public void A_link_that_is_not_https_is_left_out()
    {
        var message = Send(Alert(link: new AlertLink("More", "http://insecure.example/page")));

        Assert.DoesNotContain("insecure.example", message.HtmlBody);
        Assert.DoesNotContain("insecure.example", message.TextBody);
    }

    [Fact]
    public void Updates_and_withdrawals_say_so_in_the_subject()
    {
        Assert.Equal("Update: Visiting restrictions", Send(Alert(), AlertEmailPurpose.Update).Subject);
        var withdrawn = Send(Alert(), AlertEmailPurpose.Withdrawal);
        Assert.Equal("Withdrawn: Visiting restrictions", withdrawn.Subject);
        Assert.Contains("withdrawn and no longer applies", withdrawn.TextBody);
    }

    [Fact]
    public void The_confirmation_email_carries_the_link_in_both_parts()
    {
        var confirm = new Uri("https://alerts.ouh.example/subscribe/confirm?token=abc_DEF-123");
        var message = SubscriptionEmail.Confirmation("patient@example.com", confirm, Settings, Now);

        Assert.Contains(confirm.AbsoluteUri, message.TextBody);
        Assert.Contains(confirm.AbsoluteUri, message.HtmlBody);
        Assert.Equal("patient@example.com", message.To.Mailboxes.Single().Address);
    }

    [Theory]
    [InlineData("One visitor per patient.")] // 7bit: both parts written as they are
    [InlineData("From Monday, one visitor per patient.")] // a line starting "From ": quoted-printable
    [InlineData("Caf\u00e9 open 9am\u20135pm, parking \u00a35.")] // not ASCII: quoted-printable
    public void Each_person_gets_their_own_links_after_the_message_is_written_and_read_back(string body)
    {
        var email = AlertEmail.Render(Alert(body: body), AlertEmailPurpose.NewAlert, Settings, Sites);
        foreach (var token in new[] { "7.abc", "8.xyz" })
        {
            var manage = new Uri($"https://alerts.ouh.example/subscriptions/manage?token={token}");
            var unsubscribe = new Uri($"https://alerts.ouh.example/unsubscribe?token={token}");
            using var sent = email.For("patient@example.com", manage, unsubscribe, Now);
            sent.Prepare(EncodingConstraint.SevenBit, 998);
            using var stream = new MemoryStream();
            sent.WriteTo(FormatOptions.Default, stream);
            stream.Position = 0;
            using var received = MimeMessage.Load(stream);

            Assert.Equal("Visiting restrictions", received.Subject);
            Assert.Equal("OUH alerts", received.From.Mailboxes.Single().Name);
            Assert.Equal($"<{unsubscribe.AbsoluteUri}>", received.Headers["List-Unsubscribe"]);
            Assert.All(Encoding.ASCII.GetString(stream.ToArray()).Split('\n'), line => Assert.True(line.Length <= 998));
            Assert.True(stream.ToArray().All(b => b < 128), "7bit-safe for any SMTP server");
            foreach (var part in new[] { received.TextBody, received.HtmlBody })
            {
                Assert.Contains(manage.AbsoluteUri, part);
                Assert.Contains(unsubscribe.AbsoluteUri, part);
            }

            Assert.Contains(body, received.TextBody);
        }
    }
}
