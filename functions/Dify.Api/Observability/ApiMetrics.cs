using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace Dify.Api.Observability;

/// <summary>
/// Counters behind <c>GET /metrics</c> (Prometheus text format): runs started and finished by status,
/// active runs, SSE clients, and requests per route with a latency histogram. Lock-free on the hot path.
/// </summary>
public sealed class ApiMetrics
{
    private static readonly double[] Buckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

    private readonly ConcurrentDictionary<(string Method, string Route, int Status), StrongBox> _requests = new();
    private readonly ConcurrentDictionary<(string Method, string Route), Histogram> _latency = new();
    private readonly ConcurrentDictionary<string, StrongBox> _finished = new(StringComparer.Ordinal);
    private long _started;
    private long _active;
    private long _sseClients;

    public void RunStarted()
    {
        Interlocked.Increment(ref _started);
        Interlocked.Increment(ref _active);
    }

    public void RunFinished(string status)
    {
        Interlocked.Decrement(ref _active);
        Interlocked.Increment(ref _finished.GetOrAdd(status, _ => new StrongBox()).Value);
    }

    /// <summary>Runs followed again after a restart count as active without a new start.</summary>
    public void RunResumed() => Interlocked.Increment(ref _active);

    public void SseClientConnected() => Interlocked.Increment(ref _sseClients);
    public void SseClientDisconnected() => Interlocked.Decrement(ref _sseClients);

    public void Request(string method, string route, int status, double seconds)
    {
        Interlocked.Increment(ref _requests.GetOrAdd((method, route, status), _ => new StrongBox()).Value);
        _latency.GetOrAdd((method, route), _ => new Histogram()).Observe(seconds);
    }

    public string Render()
    {
        var sb = new StringBuilder();
        sb.Append("# HELP dify_runs_started_total Workflow runs started through the API.\n# TYPE dify_runs_started_total counter\n");
        sb.Append("dify_runs_started_total ").Append(Interlocked.Read(ref _started)).Append('\n');
        sb.Append("# HELP dify_runs_finished_total Workflow runs ended, by status.\n# TYPE dify_runs_finished_total counter\n");
        foreach (var (status, count) in _finished.OrderBy(p => p.Key, StringComparer.Ordinal))
            sb.Append("dify_runs_finished_total{status=\"").Append(Escape(status)).Append("\"} ").Append(Interlocked.Read(ref count.Value)).Append('\n');
        sb.Append("# HELP dify_runs_active Runs going now.\n# TYPE dify_runs_active gauge\n");
        sb.Append("dify_runs_active ").Append(Math.Max(0, Interlocked.Read(ref _active))).Append('\n');
        sb.Append("# HELP dify_sse_clients Open SSE streams.\n# TYPE dify_sse_clients gauge\n");
        sb.Append("dify_sse_clients ").Append(Interlocked.Read(ref _sseClients)).Append('\n');
        sb.Append("# HELP dify_http_requests_total HTTP requests, by method, route and status.\n# TYPE dify_http_requests_total counter\n");
        foreach (var ((method, route, status), count) in _requests.OrderBy(p => p.Key.Route, StringComparer.Ordinal).ThenBy(p => p.Key.Method).ThenBy(p => p.Key.Status))
            sb.Append("dify_http_requests_total{method=\"").Append(method).Append("\",route=\"").Append(Escape(route)).Append("\",status=\"")
                .Append(status).Append("\"} ").Append(Interlocked.Read(ref count.Value)).Append('\n');
        sb.Append("# HELP dify_http_request_duration_seconds HTTP request duration (to the end of the response), by method and route.\n# TYPE dify_http_request_duration_seconds histogram\n");
        foreach (var ((method, route), histogram) in _latency.OrderBy(p => p.Key.Route, StringComparer.Ordinal).ThenBy(p => p.Key.Method))
            histogram.Render(sb, $"method=\"{method}\",route=\"{Escape(route)}\"");
        return sb.ToString();
    }

    private static string Escape(string value) => value.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n");

    private sealed class StrongBox
    {
        public long Value;
    }

    private sealed class Histogram
    {
        private readonly long[] _counts = new long[Buckets.Length + 1];
        private long _sumMicros;

        public void Observe(double seconds)
        {
            var i = 0;
            while (i < Buckets.Length && seconds > Buckets[i]) i++;
            Interlocked.Increment(ref _counts[i]);
            Interlocked.Add(ref _sumMicros, (long)(seconds * 1_000_000));
        }

        public void Render(StringBuilder sb, string labels)
        {
            long cumulative = 0;
            for (var i = 0; i < Buckets.Length; i++)
            {
                cumulative += Interlocked.Read(ref _counts[i]);
                sb.Append("dify_http_request_duration_seconds_bucket{").Append(labels).Append(",le=\"")
                    .Append(Buckets[i].ToString(CultureInfo.InvariantCulture)).Append("\"} ").Append(cumulative).Append('\n');
            }
            cumulative += Interlocked.Read(ref _counts[^1]);
            sb.Append("dify_http_request_duration_seconds_bucket{").Append(labels).Append(",le=\"+Inf\"} ").Append(cumulative).Append('\n');
            sb.Append("dify_http_request_duration_seconds_sum{").Append(labels).Append("} ")
                .Append((Interlocked.Read(ref _sumMicros) / 1_000_000d).ToString(CultureInfo.InvariantCulture)).Append('\n');
            sb.Append("dify_http_request_duration_seconds_count{").Append(labels).Append("} ").Append(cumulative).Append('\n');
        }
    }
}
