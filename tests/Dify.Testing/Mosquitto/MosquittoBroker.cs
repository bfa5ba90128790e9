using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Dify.Testing.Mosquitto;

/// <summary>Settings of a <see cref="MosquittoBroker"/>.</summary>
public sealed class MosquittoBrokerOptions
{
    /// <summary>Keep sessions and queued messages in a file, so a broker stopped with SIGTERM restarts with them.</summary>
    public bool Persistence { get; set; } = true;

    /// <summary>False: clients must present a user name and password from <see cref="Users"/>.</summary>
    public bool AllowAnonymous { get; set; } = true;

    /// <summary>user -> password, written to a mosquitto password file (needs mosquitto_passwd).</summary>
    public IDictionary<string, string> Users { get; } = new Dictionary<string, string>();

    /// <summary>PEM files for a TLS listener; null: plain TCP.</summary>
    public (string CertificatePemPath, string PrivateKeyPemPath)? Tls { get; set; }
}

/// <summary>
/// A real mosquitto on a random free loopback port, with a generated configuration. It can be stopped
/// (SIGTERM, or SIGKILL) and started again on the same port, to play a broker or uplink outage.
/// </summary>
public sealed class MosquittoBroker : IAsyncDisposable
{
    private readonly string _configPath;
    private readonly StringBuilder _log = new();
    private readonly TempDirectory _folder;
    private Process? _process;

    private MosquittoBroker(TempDirectory folder, string configPath, int port)
    {
        _folder = folder;
        _configPath = configPath;
        Port = port;
    }

    public string Host => "127.0.0.1";

    public int Port { get; }

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>What mosquitto printed so far (for failure messages).</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>True when a mosquitto binary is on PATH or in /usr/sbin.</summary>
    public static bool IsInstalled => FindExecutable("mosquitto") is not null;

    public static async Task<MosquittoBroker> StartAsync(MosquittoBrokerOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new MosquittoBrokerOptions();
        var folder = new TempDirectory("mosquitto");
        var port = FreeLoopbackPort();
        var config = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"listener {port} 127.0.0.1")
            .AppendLine(CultureInfo.InvariantCulture, $"allow_anonymous {(options.AllowAnonymous ? "true" : "false")}")
            .AppendLine(CultureInfo.InvariantCulture, $"persistence {(options.Persistence ? "true" : "false")}")
            .AppendLine(CultureInfo.InvariantCulture, $"persistence_location {folder.Path}/")
            .AppendLine("max_queued_messages 0")
            .AppendLine("set_tcp_nodelay true")
            .AppendLine("log_dest stdout")
            .AppendLine("log_type error")
            .AppendLine("log_type warning")
            .AppendLine("log_type notice");
        if (Environment.UserName == "root")
        {
            config.AppendLine("user root"); // mosquitto started as root otherwise drops to a user that cannot read our temp files
        }
        if (options.Tls is { } tls)
        {
            config.AppendLine(CultureInfo.InvariantCulture, $"certfile {tls.CertificatePemPath}")
                .AppendLine(CultureInfo.InvariantCulture, $"keyfile {tls.PrivateKeyPemPath}");
        }
        if (options.Users.Count > 0)
        {
            var passwordFile = folder.Combine("passwords");
            await File.WriteAllLinesAsync(passwordFile, options.Users.Select(u => $"{u.Key}:{u.Value}"), cancellationToken).ConfigureAwait(false);
            await RunToEndAsync(FindExecutable("mosquitto_passwd") ?? "mosquitto_passwd", ["-U", passwordFile], cancellationToken).ConfigureAwait(false);
            config.AppendLine(CultureInfo.InvariantCulture, $"password_file {passwordFile}");
        }
        var configPath = folder.Combine("mosquitto.conf");
        await File.WriteAllTextAsync(configPath, config.ToString(), cancellationToken).ConfigureAwait(false);
        var broker = new MosquittoBroker(folder, configPath, port);
        try
        {
            await broker.StartAgainAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await broker.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return broker;
    }

    /// <summary>Starts mosquitto (again) on the same port and waits until it accepts connections.</summary>
    public async Task StartAgainAsync(CancellationToken cancellationToken = default)
    {
        if (IsRunning)
        {
            throw new InvalidOperationException("mosquitto is already running");
        }
        var executable = FindExecutable("mosquitto") ?? throw new InvalidOperationException("mosquitto is not installed (apt-get install mosquitto)");
        var info = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(_configPath);
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start mosquitto");
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (process.HasExited)
            {
                throw new InvalidOperationException($"mosquitto exited with {process.ExitCode}: {Log}");
            }
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, Port, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (SocketException) when (deadline.Elapsed < TimeSpan.FromSeconds(15))
            {
                await Task.Delay(20, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Stops mosquitto: SIGTERM (it saves its persistence file) or, with <paramref name="kill"/>, SIGKILL.</summary>
    public async Task StopAsync(bool kill = false)
    {
        if (_process is not { } process)
        {
            return;
        }
        _process = null;
        if (!process.HasExited)
        {
            if (kill)
            {
                process.Kill();
            }
            else
            {
                // SIGTERM: mosquitto writes its persistence file and exits. (Process has no SIGTERM API.)
                await RunToEndAsync(FindExecutable("kill") ?? "/bin/kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)], CancellationToken.None).ConfigureAwait(false);
            }
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                process.Kill();
                await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
        process.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(kill: true).ConfigureAwait(false);
        _folder.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_log)
        {
            _log.AppendLine(line);
        }
    }

    private static int FreeLoopbackPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static string? FindExecutable(string name)
    {
        var path = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Append("/usr/sbin").Append("/usr/local/sbin");
        return path.Select(dir => Path.Combine(dir, name)).FirstOrDefault(File.Exists);
    }

    private static async Task RunToEndAsync(string executable, string[] arguments, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(executable) { UseShellExecute = false, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {executable}");
        var error = await process.StandardError.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{executable} failed ({process.ExitCode}): {error}");
        }
    }
}
