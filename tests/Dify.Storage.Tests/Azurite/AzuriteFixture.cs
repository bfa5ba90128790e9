using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Dify.Storage.Azure;
using Dify.Storage.Azure.Blobs;
using Dify.Storage.Azure.Connection;
using Dify.Storage.Azure.Tables;

namespace Dify.Storage.Tests.Azurite;

/// <summary>
/// Starts a real Azurite (in memory, random loopback ports) for the whole collection and kills it at the end.
/// The binary comes from <c>.tools/azurite</c> at the repo root; <c>.ci/run</c> installs it there.
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    private const string RelativeBinary = ".tools/azurite/node_modules/.bin/azurite";
    private readonly StringBuilder _output = new();
    private Process? _process;

    public int BlobPort { get; private set; }
    public int QueuePort { get; private set; }
    public int TablePort { get; private set; }

    public Uri BlobEndpoint => new($"http://127.0.0.1:{BlobPort}/{StorageConnectionString.DevelopmentAccountName}");
    public Uri TableEndpoint => new($"http://127.0.0.1:{TablePort}/{StorageConnectionString.DevelopmentAccountName}");

    /// <summary>A full connection string with the dev account and explicit endpoints.</summary>
    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={StorageConnectionString.DevelopmentAccountName};AccountKey={StorageConnectionString.DevelopmentAccountKey};" +
        $"BlobEndpoint={BlobEndpoint};TableEndpoint={TableEndpoint};";

    public StorageSharedKeyCredential Credential { get; } =
        new(StorageConnectionString.DevelopmentAccountName, StorageConnectionString.DevelopmentAccountKey);

    /// <summary>Options with quick retries so failing tests fail fast.</summary>
    public static StorageClientOptions FastOptions()
    {
        var options = new StorageClientOptions();
        options.Retry.MaxRetries = 2;
        options.Retry.Delay = TimeSpan.FromMilliseconds(20);
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(30);
        return options;
    }

    public BlobStoreClient CreateBlobClient(StorageClientOptions? options = null) => new(ConnectionString, options ?? FastOptions());

    public TableStoreClient CreateTableClient(StorageClientOptions? options = null) => new(ConnectionString, options ?? FastOptions());

    public async Task InitializeAsync()
    {
        // Free ports are picked before Azurite binds them, so another process can take one in between
        // (seen with several suites starting servers at once): try again with fresh ports.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await StartOnceAsync();
                return;
            }
            catch (InvalidOperationException) when (attempt < 3)
            {
                await DisposeAsync();
                _process = null;
            }
        }
    }

    private async Task StartOnceAsync()
    {
        var binary = LocateBinary();
        var ports = FreePorts(3);
        (BlobPort, QueuePort, TablePort) = (ports[0], ports[1], ports[2]);
        var start = new ProcessStartInfo(binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
                 {
                     "--silent", "--inMemoryPersistence", "--skipApiVersionCheck", "--loose",
                     "--blobHost", "127.0.0.1", "--blobPort", BlobPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
                     "--queueHost", "127.0.0.1", "--queuePort", QueuePort.ToString(System.Globalization.CultureInfo.InvariantCulture),
                     "--tableHost", "127.0.0.1", "--tablePort", TablePort.ToString(System.Globalization.CultureInfo.InvariantCulture),
                 })
        {
            start.ArgumentList.Add(arg);
        }
        _process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {binary}.");
        _process.OutputDataReceived += (_, e) => Record(e.Data);
        _process.ErrorDataReceived += (_, e) => Record(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        var deadline = DateTime.UtcNow.AddSeconds(60);
        foreach (var port in ports)
        {
            while (!await AcceptsAsync(port))
            {
                if (_process.HasExited)
                {
                    throw new InvalidOperationException($"Azurite exited with {_process.ExitCode} before listening:\n{Output()}");
                }
                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException($"Azurite did not listen on port {port} within 60 s:\n{Output()}");
                }
                await Task.Delay(100);
            }
        }
    }

    public async Task DisposeAsync()
    {
        if (_process is null) return;
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        _process.Dispose();
    }

    /// <summary>Walks up from the test assembly to the folder holding Dify.Functions.sln.</summary>
    public static string LocateBinary()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Dify.Functions.sln")))
            {
                var binary = Path.Combine(dir.FullName, RelativeBinary);
                if (!File.Exists(binary))
                {
                    throw new FileNotFoundException(
                        $"Azurite is not installed at {binary}. Run .ci/run (or: npm install --prefix .tools/azurite azurite@3) from the repo root.");
                }
                return binary;
            }
        }
        throw new DirectoryNotFoundException($"No Dify.Functions.sln above {AppContext.BaseDirectory}; cannot find .tools/azurite.");
    }

    private static int[] FreePorts(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToArray();
        foreach (var listener in listeners) listener.Start();
        var ports = listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        foreach (var listener in listeners) listener.Stop();
        return ports;
    }

    private static async Task<bool> AcceptsAsync(int port)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port).WaitAsync(TimeSpan.FromSeconds(2));
            return true;
        }
        catch (Exception e) when (e is SocketException or TimeoutException)
        {
            return false;
        }
    }

    private void Record(string? line)
    {
        if (line is null) return;
        lock (_output)
        {
            if (_output.Length < 64 * 1024) _output.AppendLine(line);
        }
    }

    private string Output()
    {
        lock (_output) return _output.ToString();
    }
}

[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Azurite";
}
