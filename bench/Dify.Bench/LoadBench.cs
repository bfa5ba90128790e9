using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Dify.Testing;
using Dify.Testing.OpenAiCompatible;

namespace Dify.Bench;

/// <summary>
/// `load [--clients 200] [--seconds 60] [--model-delay-ms 200] [--host PATH]`: starts the local host as a child
/// process (so RSS is the host's), imports a start → llm → end workflow whose model is the local
/// OpenAI-compatible test server (streaming word by word), and keeps N streaming clients busy for the
/// duration. Prints requests/s, p50/p99 time to first byte and to finish, errors, cold start
/// (process start to the first 200 on /healthz), idle RSS and peak RSS (VmHWM). <c>--host</c> measures a
/// published host (its <c>Dify.Host</c> executable or <c>Dify.Host.dll</c>, e.g. the ReadyToRun publish the README
/// recommends); by default the Release build's own executable beside the bench.
/// </summary>
internal static class LoadBench
{
    private const string AdminKey = "admin-load-bench";

    private const string App = """
        version: 0.3.0
        kind: app
        app: {mode: workflow, name: load, description: One streamed model call}
        workflow:
          conversation_variables: []
          environment_variables: []
          features: {}
          graph:
            nodes:
            - id: start
              data:
                type: start
                title: Start
                variables:
                - {variable: q, label: Question, type: paragraph, required: true}
            - id: llm
              data:
                type: llm
                title: LLM
                model: {provider: openai, name: gpt-4o-mini, mode: chat, completion_params: {}}
                prompt_template:
                - {role: user, text: '{{#start.q#}}'}
                context: {enabled: false, variable_selector: []}
                vision: {enabled: false}
            - id: end
              data:
                type: end
                title: End
                outputs:
                - {variable: text, value_selector: [llm, text]}
            edges:
            - {source: start, target: llm}
            - {source: llm, target: end}
        """;

    public static async Task RunAsync(string[] args)
    {
        var clients = IntArg(args, "--clients", 200);
        var seconds = IntArg(args, "--seconds", 60);
        var modelDelay = IntArg(args, "--model-delay-ms", 200);

        await using var model = await OpenAiCompatibleServer.StartAsync(CancellationToken.None);
        model.RecordRequests = false;
        model.Responder = _ => new ChatReply { Text = "Streaming answers from the local model, word by word, to every client.", Delay = TimeSpan.FromMilliseconds(modelDelay) };
        using var data = new TempDirectory("dify-load");
        var port = FreePort();
        var baseUrl = $"http://127.0.0.1:{port}/";

        var hostPath = HostPath(args);
        var start = HostStart(hostPath);
        foreach (var a in new[] { "serve", "--urls", baseUrl.TrimEnd('/'), "--data", data.Path }) start.ArgumentList.Add(a);
        start.Environment["Models__Default__Endpoint"] = model.Endpoint;
        start.Environment["Models__MaxRetries"] = "0";
        start.Environment["Admin__ApiKey"] = AdminKey;
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        // GC settings are the host's own (its runtimeconfig); DOTNET_* variables of the caller pass through to try others.

        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue, PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5) })
        {
            BaseAddress = new Uri(baseUrl),
            Timeout = TimeSpan.FromMinutes(5),
        };
        var clock = Stopwatch.StartNew();
        using var host = Process.Start(start)!;
        _ = host.StandardOutput.ReadToEndAsync();
        _ = host.StandardError.ReadToEndAsync();
        try
        {
            var coldStart = await WaitHealthyAsync(http, host, clock);
            await Task.Delay(1000);
            var idleRss = Rss(host.Id, "VmRSS");
            var key = await ImportAsync(http);

            Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}; host pid {host.Id}");
            Console.WriteLine($"host:           {hostPath}");
            Console.WriteLine($"cold start:     {coldStart.TotalMilliseconds:F0} ms (process start to first 200 on /healthz)");
            Console.WriteLine($"idle RSS:       {idleRss / 1024.0:F1} MiB");
            Console.WriteLine($"load:           {clients} streaming clients for {seconds} s; model answers after {modelDelay} ms, word by word");

            var ttfb = new List<double>();
            var finish = new List<double>();
            var errors = 0;
            var gate = new object();
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
            var load = Stopwatch.StartNew();
            var workers = Enumerable.Range(0, clients).Select(i => Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    var (ok, first, end) = await OneRunAsync(http, key, $"client-{i}");
                    lock (gate)
                    {
                        if (ok)
                        {
                            ttfb.Add(first);
                            finish.Add(end);
                        }
                        else
                        {
                            errors++;
                        }
                    }
                }
            })).ToArray();
            await Task.WhenAll(workers);
            var elapsed = load.Elapsed.TotalSeconds;
            var peak = Rss(host.Id, "VmHWM");

            Console.WriteLine($"requests:       {finish.Count} completed, {errors} errors, {finish.Count / elapsed:F1} requests/s");
            Console.WriteLine($"first byte:     {Stats.Describe(ttfb)}");
            Console.WriteLine($"finish:         {Stats.Describe(finish)}");
            Console.WriteLine($"peak RSS:       {peak / 1024.0:F1} MiB (VmHWM of the host process)");
            Console.WriteLine($"model calls:    {model.ChatRequestCount}");
        }
        finally
        {
            if (!host.HasExited) host.Kill(entireProcessTree: true);
            await host.WaitForExitAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        }
    }

    /// <summary>One streaming run: (succeeded, ms to the first body byte, ms to the end of the stream).</summary>
    private static async Task<(bool Ok, double FirstByte, double Finish)> OneRunAsync(HttpClient http, string key, string user)
    {
        var watch = Stopwatch.StartNew();
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "v1/workflows/run")
            {
                Content = new StringContent(new JsonObject { ["inputs"] = new JsonObject { ["q"] = "hello" }, ["response_mode"] = "streaming", ["user"] = user }.ToJsonString(), Encoding.UTF8, "application/json"),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            if (response.StatusCode != HttpStatusCode.OK) return (false, 0, 0);
            await using var body = await response.Content.ReadAsStreamAsync();
            var buffer = new byte[8192];
            double first = -1;
            var tail = new StringBuilder();
            int read;
            while ((read = await body.ReadAsync(buffer)) > 0)
            {
                if (first < 0) first = watch.Elapsed.TotalMilliseconds;
                tail.Append(Encoding.UTF8.GetString(buffer, 0, read));
                if (tail.Length > 4096) tail.Remove(0, tail.Length - 4096);
            }
            var text = tail.ToString();
            var ok = text.Contains("\"event\":\"workflow_finished\"") && text.Contains("\"status\":\"succeeded\"");
            return (ok, first, watch.Elapsed.TotalMilliseconds);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or TaskCanceledException)
        {
            return (false, 0, 0);
        }
    }

    private static async Task<TimeSpan> WaitHealthyAsync(HttpClient http, Process host, Stopwatch clock)
    {
        while (clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (host.HasExited) throw new InvalidOperationException($"the host exited with {host.ExitCode}");
            try
            {
                using var response = await http.GetAsync("healthz");
                if (response.StatusCode == HttpStatusCode.OK) return clock.Elapsed;
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(5);
        }
        throw new TimeoutException("the host did not answer /healthz within 60 s");
    }

    private static async Task<string> ImportAsync(HttpClient http)
    {
        async Task<JsonNode> Admin(string path, JsonNode? body)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, path);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
            if (body is not null) request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
            using var response = await http.SendAsync(request);
            var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{path}: {json.ToJsonString()}");
            return json;
        }
        var import = await Admin("console/api/apps/imports", new JsonObject { ["mode"] = "yaml-content", ["yaml_content"] = App });
        var key = await Admin($"console/api/apps/{import["app_id"]}/api-keys", null);
        return key["token"]!.GetValue<string>();
    }

    /// <summary>--host, else the apphost the Release build puts beside the bench (no `dotnet` muxer in the way), else its dll.</summary>
    private static string HostPath(string[] args)
    {
        var i = Array.IndexOf(args, "--host");
        if (i >= 0 && i + 1 < args.Length) return Path.GetFullPath(args[i + 1]);
        var apphost = Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "Dify.Host.exe" : "Dify.Host");
        return File.Exists(apphost) ? apphost : Path.Combine(AppContext.BaseDirectory, "Dify.Host.dll");
    }

    private static ProcessStartInfo HostStart(string hostPath)
    {
        if (!File.Exists(hostPath)) throw new FileNotFoundException($"--host: no host at {hostPath}", hostPath);
        var start = hostPath.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) ? new ProcessStartInfo("dotnet") : new ProcessStartInfo(hostPath);
        if (start.FileName == "dotnet") start.ArgumentList.Add(hostPath);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        return start;
    }

    /// <summary>A /proc/PID/status field in KiB (VmRSS now, VmHWM the peak).</summary>
    private static long Rss(int pid, string field)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            if (line.StartsWith(field + ":", StringComparison.Ordinal))
                return long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0]);
        return -1;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static int IntArg(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], out var value) ? value : fallback;
    }
}
