using System.Buffers;
using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using MimeKit;
using SmtpServer;
using SmtpServer.ComponentModel;
using SmtpServer.IO;
using SmtpServer.Mail;
using SmtpServer.Net;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace AlertBroadcaster.TestSupport;

/// <summary>
/// A real SMTP server on a loopback port (the SmtpServer package): keeps every message it
/// accepts, refuses chosen recipients with a 550, and can be stopped and started on the same
/// port to play an outage.
/// </summary>
public sealed class TestSmtpServer : IAsyncDisposable
{
    private readonly ConcurrentQueue<MimeMessage> _messages = new();
    /// <summary>Refused recipients, with how many times each has been refused.</summary>
    private readonly ConcurrentDictionary<string, int> _refused = new(StringComparer.OrdinalIgnoreCase);
    private readonly Shutdown _shutdown = new();
    private CancellationTokenSource? _running;
    private Task? _serving;

    public int Port { get; } = LoopbackPort.Free();

    /// <summary>
    /// How long the server takes to accept each message, as a relay across a network does. Tests that
    /// act in the middle of a fan-out (kill a replica, restart the database) need one that lasts a few
    /// seconds; 40 ms keeps the pace they were written for. Zero for a test that only counts.
    /// </summary>
    public TimeSpan AcceptDelay { get; set; } = TimeSpan.FromMilliseconds(40);

    public IReadOnlyCollection<MimeMessage> Messages => _messages;

    /// <summary>Every address in every To header received, once per message.</summary>
    public List<string> Recipients => _messages.SelectMany(m => m.To.Mailboxes.Select(a => a.Address.ToLowerInvariant())).ToList();

    public static TestSmtpServer Start()
    {
        var server = new TestSmtpServer();
        server.Resume();
        return server;
    }

    /// <summary>Answers 550 for this recipient from now on.</summary>
    public void Refuse(string address) => _refused.TryAdd(address, 0);

    /// <summary>How many times <paramref name="address"/> has been refused since <see cref="Refuse"/>.</summary>
    public int RefusalsOf(string address) => _refused.GetValueOrDefault(address);

    /// <summary>Accepts <paramref name="address"/> again after <see cref="Refuse"/>.</summary>
    public void Accept(string address) => _refused.TryRemove(address, out _);

    public void Resume()
    {
        var options = new SmtpServerOptionsBuilder()
            .ServerName("localhost")
            .Endpoint(e => e.Endpoint(new IPEndPoint(IPAddress.Loopback, Port)))
            .Build();
        var services = new ServiceProvider();
        services.Add(new Store(this));
        services.Add(new Filter(_refused, _shutdown));
        services.Add(new NoDelayListeners());
        _shutdown.Begun = false;
        _running = new CancellationTokenSource();
        var server = new SmtpServer.SmtpServer(options, services);
        server.SessionCreated += (_, _) => Interlocked.Increment(ref _shutdown.Sessions);
        server.SessionCompleted += (_, _) => Interlocked.Decrement(ref _shutdown.Sessions);
        server.SessionCancelled += (_, _) => Interlocked.Decrement(ref _shutdown.Sessions);
        server.SessionFaulted += (_, _) => Interlocked.Decrement(ref _shutdown.Sessions);
        _serving = server.StartAsync(_running.Token);
        // The package binds the port before StartAsync first yields: a port taken by someone else
        // since LoopbackPort.Free() fails here, not later as mail that never arrives.
        if (_serving.IsFaulted)
        {
            _serving.GetAwaiter().GetResult();
        }
    }

    /// <summary>
    /// Shuts down as a mail server does (RFC 5321 §3.8): every command from now on is answered 421
    /// and its connection closed, and once no session is left the port stops listening (connections
    /// are refused) until <see cref="Resume"/>. Cancelling the sessions directly would be no real
    /// server's behaviour: the package answers a message cut off that way with a permanent 554.
    /// </summary>
    public async Task PauseAsync()
    {
        if (_running is null)
        {
            return;
        }

        _shutdown.Begun = true;
        // Sessions end at their next command; one a client keeps idle is cut off after the deadline.
        try
        {
            await Poll.UntilAsync(() => Task.FromResult(Volatile.Read(ref _shutdown.Sessions) == 0), TimeSpan.FromSeconds(10), "the SMTP sessions to close");
        }
        catch (TimeoutException)
        {
        }

        await _running.CancelAsync();
        try
        {
            await _serving!;
        }
        catch (OperationCanceledException)
        {
        }

        _running.Dispose();
        _running = null;
    }

    public async ValueTask DisposeAsync() => await PauseAsync();

    /// <summary>Whether the server is shutting down, and how many sessions it has open.</summary>
    private sealed class Shutdown
    {
        public static readonly SmtpResponse Reply = new(SmtpReplyCode.ServiceUnavailable, "localhost shutting down");

        public volatile bool Begun;
        public int Sessions;
    }

    private sealed class Store(TestSmtpServer server) : MessageStore
    {
        public override async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            if (server._shutdown.Begun)
            {
                return Shutdown.Reply;
            }

            // The whole message is in the buffer: taken, it is kept, whatever happens to the session.
            using var stream = new MemoryStream(buffer.ToArray());
            server._messages.Enqueue(await MimeMessage.LoadAsync(stream, CancellationToken.None));
            if (server.AcceptDelay > TimeSpan.Zero)
            {
                await Task.Delay(server.AcceptDelay, CancellationToken.None);
            }

            return SmtpResponse.Ok;
        }
    }

    private sealed class Filter(ConcurrentDictionary<string, int> refused, Shutdown shutdown) : IMailboxFilter
    {
        public Task<bool> CanAcceptFromAsync(ISessionContext context, IMailbox from, int size, CancellationToken cancellationToken) =>
            shutdown.Begun ? throw new SmtpResponseException(Shutdown.Reply, true) : Task.FromResult(true);

        public Task<bool> CanDeliverToAsync(ISessionContext context, IMailbox to, IMailbox from, CancellationToken cancellationToken)
        {
            var address = to.AsAddress();
            if (!refused.ContainsKey(address))
            {
                return Task.FromResult(true);
            }

            refused.AddOrUpdate(address, 1, (_, n) => n + 1);
            return Task.FromResult(false);
        }
    }

    /// <summary>
    /// The package's listener, with Nagle's algorithm off on each connection, as real mail servers
    /// have it. With it on, the second of two replies to pipelined commands (MAIL FROM and RCPT TO) waits
    /// for the client's delayed ACK: 40 ms a message, which made a 5,000-recipient test take a minute.
    /// </summary>
    private sealed class NoDelayListeners : IEndpointListenerFactory
    {
        public IEndpointListener CreateListener(IEndpointDefinition endpointDefinition)
        {
            var listener = new TcpListener(endpointDefinition.Endpoint);
            listener.Start();
            return new Listener(listener);
        }
    }

    private sealed class Listener(TcpListener listener) : IEndpointListener
    {
        public async Task<ISecurableDuplexPipe> GetPipeAsync(ISessionContext context, CancellationToken cancellationToken)
        {
            var client = await listener.AcceptTcpClientAsync(cancellationToken);
            client.NoDelay = true;
            context.Properties.Add(EndpointListener.LocalEndPointKey, listener.LocalEndpoint);
            context.Properties.Add(EndpointListener.RemoteEndPointKey, client.Client.RemoteEndPoint);
            return new Connection(client);
        }

        public void Dispose() => listener.Stop();
    }

    /// <summary>A plain connection: the tests' server offers no STARTTLS.</summary>
    private sealed class Connection(TcpClient client) : ISecurableDuplexPipe
    {
        private readonly NetworkStream _stream = client.GetStream();

        public PipeReader Input => field ??= PipeReader.Create(_stream);

        public PipeWriter Output => field ??= PipeWriter.Create(_stream);

        public bool IsSecure => false;

        public SslProtocols SslProtocol => SslProtocols.None;

        public Task UpgradeAsync(X509Certificate certificate, SslProtocols protocols, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException("The test SMTP server offers no TLS.");

        public void Dispose() => client.Dispose();
    }
}
