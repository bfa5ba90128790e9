using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Dify.Edge.Link.Queue;
using Dify.Testing;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

namespace Dify.Edge.Link.Tests.Queue;

/// <summary>kill -9 of a process in the middle of heavy enqueueing loses nothing it acknowledged.</summary>
public sealed class CrashTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDirectory _folder = new("edge-queue-crash");

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Killed_writer_leaves_a_sound_database_with_every_acknowledged_event_once()
    {
        var database = _folder.Combine("queue.db");
        var acknowledged = new ConcurrentBag<Guid>();
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (var child = StartWriter(database, producers: 8, line =>
        {
            if (line == "ready")
            {
                ready.TrySetResult();
            }
            // A line cut by the kill is not an acknowledgement: only whole GUIDs count.
            else if (line.StartsWith("ack ", StringComparison.Ordinal) && Guid.TryParseExact(line[4..], "D", out var id))
            {
                acknowledged.Add(id);
            }
        }))
        {
            try
            {
                await ready.Task.WaitAsync(TimeSpan.FromSeconds(60));
                var watch = Stopwatch.StartNew();
                while (acknowledged.Count < 3000 && watch.Elapsed < TimeSpan.FromSeconds(60) && !child.HasExited)
                {
                    await Task.Delay(10);
                }
                Assert.False(child.HasExited, "the writer stopped before it was killed");
            }
            finally
            {
                child.Kill(); // SIGKILL on Linux: no managed cleanup, no SQLite close
                await child.WaitForExitAsync();
            }
        }
        // Lines already in the pipe when the process died are read after the exit.
        await Task.Delay(200);
        output.WriteLine($"acknowledged before the kill: {acknowledged.Count}");
        Assert.True(acknowledged.Count >= 3000);

        await using var queue = await OfflineQueue.OpenAsync(new OfflineQueueOptions { DatabasePath = database });
        Assert.Equal("ok", await queue.CheckIntegrityAsync());
        var stored = await queue.PeekBatchAsync(int.MaxValue);
        output.WriteLine($"stored after the kill: {stored.Count} (queue count {queue.Count})");
        var ids = stored.Select(e => e.Event.EventId).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Equal(queue.Count, stored.Count);
        var present = ids.ToHashSet();
        var missing = acknowledged.Where(id => !present.Contains(id)).ToList();
        Assert.True(missing.Count == 0, $"{missing.Count} acknowledged events are missing, e.g. {missing.FirstOrDefault()}");
        // Per producer the stored events keep their enqueue order.
        Assert.All(stored.GroupBy(e => e.Event.Source), g => Assert.Equal(g.Select(e => e.Sequence).Order(), g.Select(e => e.Sequence)));

        // The file also reopens with a plain SQLite connection.
        using var connection = new SqliteConnection($"Data Source={database};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM events";
        Assert.Equal((long)stored.Count, command.ExecuteScalar());
    }

    private Process StartWriter(string database, int producers, Action<string> onLine)
    {
        var writerDll = Path.Combine(AppContext.BaseDirectory, "Dify.Edge.Link.CrashWriter.dll");
        Assert.True(File.Exists(writerDll), $"missing {writerDll}");
        var info = new ProcessStartInfo(Environment.ProcessPath ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // Under "dotnet test" the test host is dotnet itself; otherwise fall back to the dotnet on PATH.
        if (!Path.GetFileNameWithoutExtension(info.FileName).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            info.FileName = "dotnet";
        }
        foreach (var argument in new[] { writerDll, database, producers.ToString(CultureInfo.InvariantCulture) })
        {
            info.ArgumentList.Add(argument);
        }
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start the crash writer");
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                onLine(line);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                try
                {
                    output.WriteLine("writer err: " + line);
                }
                catch (InvalidOperationException)
                {
                }
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }
}
