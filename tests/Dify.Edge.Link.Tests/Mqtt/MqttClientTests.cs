using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Authentication;
using System.Text;
using Dify.Edge.Link.Mqtt;
using Dify.Testing;
using Dify.Testing.Mosquitto;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit.Abstractions;

namespace Dify.Edge.Link.Tests.Mqtt;

/// <summary>The MQTT client against a real mosquitto.</summary>
public sealed class MqttClientTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly List<IAsyncDisposable> _cleanup = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        for (var i = _cleanup.Count - 1; i >= 0; i--)
        {
            await _cleanup[i].DisposeAsync();
        }
    }

    private async Task<MosquittoBroker> StartBrokerAsync(MosquittoBrokerOptions? options = null)
    {
        var broker = await MosquittoBroker.StartAsync(options);
        _cleanup.Add(broker);
        return broker;
    }

    private MqttClient NewClient(MosquittoBroker broker, string clientId, Action<MqttClientOptions>? configure = null)
    {
        var options = new MqttClientOptions { Host = broker.Host, Port = broker.Port, ClientId = clientId };
        configure?.Invoke(options);
        var client = new MqttClient(options, new TestOutputLogger<MqttClient>(output));
        _cleanup.Add(client);
        return client;
    }

    private static CancellationToken Timeout(int seconds = 30) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;

    [Fact]
    public async Task Publish_and_subscribe_round_trip_at_qos_0_and_1()
    {
        var broker = await StartBrokerAsync();
        var received = NewInbox();
        var subscriber = NewClient(broker, "sub");
        subscriber.AddMessageHandler((m, _) => { received.Writer.TryWrite(m); return Task.CompletedTask; });
        await subscriber.ConnectAsync(Timeout());
        await subscriber.SubscribeAsync([new MqttSubscription("plant/+/temp")], Timeout());
        var publisher = NewClient(broker, "pub");
        await publisher.ConnectAsync(Timeout());

        await publisher.PublishAsync(new MqttMessage("plant/a/temp", "21.5"u8.ToArray(), MqttQos.AtLeastOnce), Timeout());
        await publisher.PublishAsync(new MqttMessage("plant/b/temp", "19"u8.ToArray(), MqttQos.AtMostOnce), Timeout());
        await publisher.PublishAsync(new MqttMessage("plant/b/pressure", "1"u8.ToArray(), MqttQos.AtLeastOnce), Timeout());

        var first = await received.Reader.ReadAsync(Timeout());
        var second = await received.Reader.ReadAsync(Timeout());
        Assert.Equal(("plant/a/temp", "21.5", MqttQos.AtLeastOnce), (first.Topic, Encoding.UTF8.GetString(first.Payload.Span), first.Qos));
        Assert.Equal(("plant/b/temp", "19", MqttQos.AtMostOnce), (second.Topic, Encoding.UTF8.GetString(second.Payload.Span), second.Qos));
        await Task.Delay(200);
        Assert.False(received.Reader.TryRead(out _), "no message on an unsubscribed topic");
        Assert.Equal(0, publisher.InflightCount);
    }

    [Fact]
    public async Task A_refused_connect_reports_the_connack_code_clearly()
    {
        var options = new MosquittoBrokerOptions { AllowAnonymous = false };
        options.Users["edge"] = "right-password";
        var broker = await StartBrokerAsync(options);
        var clientOptions = new MqttClientOptions { Host = broker.Host, Port = broker.Port, ClientId = "c", Username = "edge" };

        var refused = await Assert.ThrowsAsync<MqttConnectException>(() =>
            MqttConnection.ConnectAsync(clientOptions, "wrong-password", 1, (_, _) => ValueTask.CompletedTask, TimeProvider.System, NullLogger.Instance, Timeout()));
        output.WriteLine(refused.Message);
        Assert.True(refused.ReturnCode is ConnectReturnCode.NotAuthorized or ConnectReturnCode.BadUsernameOrPassword, refused.ReturnCode.ToString());
        Assert.Contains("refused", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-password", refused.Message, StringComparison.Ordinal);

        // The reconnecting client keeps the reason, and connects once the password is right.
        var password = "wrong-password";
        var client = NewClient(broker, "c", o => { o.Username = "edge"; o.PasswordProvider = _ => ValueTask.FromResult<string?>(password); });
        await client.StartAsync();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (client.LastError is not MqttConnectException && watch.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(20);
        }
        Assert.IsType<MqttConnectException>(client.LastError);
        password = "right-password";
        await client.WaitUntilConnectedAsync(Timeout());
    }

    [Fact]
    public async Task Tls_connection_with_a_private_root_and_server_name()
    {
        using var folder = new TempDirectory("mqtt-tls");
        var certificates = TestCertificates.Create(folder.Path);
        var broker = await StartBrokerAsync(new MosquittoBrokerOptions { Tls = (certificates.CertificatePemPath, certificates.PrivateKeyPemPath) });

        var trusting = NewClient(broker, "tls", o =>
        {
            o.Tls = new MqttTlsOptions { ServerName = "localhost" };
            o.Tls.TrustedRoots.Add(certificates.Certificate);
        });
        var received = NewInbox();
        trusting.AddMessageHandler((m, _) => { received.Writer.TryWrite(m); return Task.CompletedTask; });
        await trusting.ConnectAsync(Timeout());
        await trusting.SubscribeAsync([new MqttSubscription("secure/#")], Timeout());
        await trusting.PublishAsync(new MqttMessage("secure/x", "tls works"u8.ToArray()), Timeout());
        Assert.Equal("tls works", Encoding.UTF8.GetString((await received.Reader.ReadAsync(Timeout())).Payload.Span));

        // Without the private root, the handshake fails: the certificate is not trusted.
        var untrusting = new MqttClientOptions { Host = broker.Host, Port = broker.Port, ClientId = "x", Tls = new MqttTlsOptions { ServerName = "localhost" } };
        await Assert.ThrowsAsync<AuthenticationException>(() =>
            MqttConnection.ConnectAsync(untrusting, null, 1, (_, _) => ValueTask.CompletedTask, TimeProvider.System, NullLogger.Instance, Timeout()));
        // With the root but the wrong name, it fails too.
        var wrongName = new MqttClientOptions { Host = broker.Host, Port = broker.Port, ClientId = "y", Tls = new MqttTlsOptions { ServerName = "edgehub.example" } };
        wrongName.Tls.TrustedRoots.Add(certificates.Certificate);
        await Assert.ThrowsAsync<AuthenticationException>(() =>
            MqttConnection.ConnectAsync(wrongName, null, 1, (_, _) => ValueTask.CompletedTask, TimeProvider.System, NullLogger.Instance, Timeout()));
    }

    [Fact]
    public async Task Keep_alive_pings_hold_an_idle_connection_open()
    {
        var broker = await StartBrokerAsync();
        var client = NewClient(broker, "idle", o => o.KeepAlive = TimeSpan.FromSeconds(1));
        await client.ConnectAsync(Timeout());

        await Task.Delay(TimeSpan.FromSeconds(4)); // mosquitto drops a client silent for 1.5 x keep-alive

        Assert.True(client.IsConnected);
        Assert.Equal(1, client.ConnectCount);
    }

    [Fact]
    public async Task Connections_are_renewed_with_fresh_credentials_before_they_expire()
    {
        var broker = await StartBrokerAsync();
        var received = new ConcurrentDictionary<string, bool>();
        var subscriber = NewClient(broker, "renew-sub");
        subscriber.AddMessageHandler((m, _) => { received[Encoding.UTF8.GetString(m.Payload.Span)] = true; return Task.CompletedTask; });
        await subscriber.ConnectAsync(Timeout());
        await subscriber.SubscribeAsync([new MqttSubscription("renew/#")], Timeout());
        var passwords = 0;
        var client = NewClient(broker, "renewing", o =>
        {
            o.MaxConnectionLifetime = TimeSpan.FromMilliseconds(700);
            o.Username = "renewing";
            o.PasswordProvider = _ => ValueTask.FromResult<string?>($"token-{Interlocked.Increment(ref passwords)}");
        });
        await client.ConnectAsync(Timeout());

        var watch = System.Diagnostics.Stopwatch.StartNew();
        var sent = 0;
        while (watch.Elapsed < TimeSpan.FromSeconds(2.5))
        {
            await client.PublishAsync(new MqttMessage("renew/x", Encoding.UTF8.GetBytes($"{sent++}")), Timeout());
            await Task.Delay(10);
        }

        Assert.InRange(client.ConnectCount, 3, 10);
        Assert.Equal(client.ConnectCount, Volatile.Read(ref passwords)); // one fresh password per connection
        var deadline = System.Diagnostics.Stopwatch.StartNew();
        while (received.Count < sent && deadline.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(20);
        }
        Assert.Equal(sent, received.Count);
    }

    [Fact]
    public async Task Qos1_messages_survive_a_broker_restart_while_publishing()
    {
        const int total = 3000;
        var broker = await StartBrokerAsync();
        var seen = new ConcurrentDictionary<int, int>();
        var subscriber = NewClient(broker, "restart-sub");
        subscriber.AddMessageHandler((m, _) =>
        {
            seen.AddOrUpdate(int.Parse(Encoding.UTF8.GetString(m.Payload.Span), CultureInfo.InvariantCulture), 1, (_, n) => n + 1);
            return Task.CompletedTask;
        });
        await subscriber.ConnectAsync(Timeout());
        await subscriber.SubscribeAsync([new MqttSubscription("load/#")], Timeout());
        var publisher = NewClient(broker, "restart-pub");
        await publisher.ConnectAsync(Timeout());

        var published = 0;
        var publishing = Task.WhenAll(Enumerable.Range(0, 8).Select(worker => Task.Run(async () =>
        {
            for (var i = worker; i < total; i += 8)
            {
                await publisher.PublishAsync(new MqttMessage($"load/{worker}", Encoding.UTF8.GetBytes(i.ToString(CultureInfo.InvariantCulture))), Timeout(90));
                Interlocked.Increment(ref published);
                await Task.Delay(1);
            }
        })));
        while (Volatile.Read(ref published) < total / 4)
        {
            await Task.Delay(5);
        }
        await broker.StopAsync(); // SIGTERM: sessions persist, in-flight publishes are cut
        output.WriteLine($"broker stopped after {Volatile.Read(ref published)} acknowledged publishes; {publisher.InflightCount} in flight");
        Assert.InRange(Volatile.Read(ref published), total / 4, total - 1);
        await Task.Delay(1000);
        await broker.StartAgainAsync();

        await publishing.WaitAsync(TimeSpan.FromSeconds(90));
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (seen.Count < total && watch.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(20);
        }
        var missing = Enumerable.Range(0, total).Where(i => !seen.ContainsKey(i)).ToList();
        output.WriteLine($"publisher connections: {publisher.ConnectCount}; duplicates: {seen.Count(kv => kv.Value > 1)}; missing: {missing.Count}");
        Assert.True(missing.Count == 0, $"missing {missing.Count}, e.g. {string.Join(",", missing.Take(10))}\n{broker.Log}");
        Assert.True(publisher.ConnectCount >= 2);
        Assert.True(subscriber.ConnectCount >= 2);
    }

    private static System.Threading.Channels.Channel<MqttMessage> NewInbox() =>
        System.Threading.Channels.Channel.CreateUnbounded<MqttMessage>();
}
