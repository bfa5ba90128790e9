using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Data.Sqlite;

namespace Dify.Edge.Link.Queue;

/// <summary>
/// Inserts a group commit's events with multi-row INSERT statements (one statement per up to
/// <see cref="MaxRowsPerStatement"/> events), which costs far less per event than one statement each.
/// </summary>
internal sealed class EventInserter(SqliteConnection connection) : IDisposable
{
    public const int MaxRowsPerStatement = 64;
    private const int Columns = 6;

    private readonly Dictionary<int, SqliteCommand> _inserts = [];
    private SqliteCommand? _findExisting;

    /// <summary>
    /// Inserts the events of <paramref name="requests"/>, writing each one's sequence into <paramref name="sequences"/>
    /// (an id already queued keeps its first copy and reports that copy's sequence). Returns what was added.
    /// </summary>
    public (long Count, long Bytes) Insert(IReadOnlyList<EnqueueRequest> requests, long[] sequences, SqliteTransaction transaction)
    {
        long count = 0;
        long bytes = 0;
        for (var start = 0; start < requests.Count; start += MaxRowsPerStatement)
        {
            var rows = Math.Min(MaxRowsPerStatement, requests.Count - start);
            var (c, b) = InsertChunk(requests, start, rows, sequences, transaction);
            count += c;
            bytes += b;
        }
        return (count, bytes);
    }

    private (long Count, long Bytes) InsertChunk(IReadOnlyList<EnqueueRequest> requests, int start, int rows, long[] sequences, SqliteTransaction transaction)
    {
        var command = CommandFor(rows);
        command.Transaction = transaction;
        var positions = new Dictionary<Guid, int>(rows);
        var parameters = command.Parameters;
        for (var r = 0; r < rows; r++)
        {
            var request = requests[start + r];
            var e = request.Event;
            positions.TryAdd(e.EventId, start + r);
            var at = r * Columns;
            parameters[at].Value = e.Source;
            parameters[at + 1].Value = EventIdBytes(e.EventId);
            parameters[at + 2].Value = e.CreatedAt.ToUnixTimeMilliseconds();
            parameters[at + 3].Value = MemoryMarshal.TryGetArray(e.Payload, out var whole) && whole.Offset == 0 && whole.Count == whole.Array!.Length
                ? whole.Array
                : e.Payload.ToArray();
            parameters[at + 4].Value = (object?)request.EncodedProperties ?? DBNull.Value;
            parameters[at + 5].Value = request.Size;
        }
        var stored = new bool[rows];
        long count = 0;
        long bytes = 0;
        using (var reader = command.ExecuteReader())
        {
            // RETURNING order is not promised: match rows to requests by event id.
            while (reader.Read())
            {
                var index = positions[new Guid(reader.GetFieldValue<byte[]>(1), bigEndian: true)];
                sequences[index] = reader.GetInt64(0);
                stored[index - start] = true;
                count++;
                bytes += requests[index].Size;
            }
        }
        for (var r = 0; r < rows; r++)
        {
            if (!stored[r])
            {
                // The same event id is already queued (a producer retried): keep the first copy.
                sequences[start + r] = FindExisting(requests[start + r].Event.EventId, transaction);
            }
        }
        return (count, bytes);
    }

    private long FindExisting(Guid eventId, SqliteTransaction transaction)
    {
        if (_findExisting is null)
        {
            _findExisting = connection.CreateCommand();
            _findExisting.CommandText = "SELECT seq FROM events WHERE event_id = $id";
            _findExisting.Parameters.Add(new SqliteParameter { ParameterName = "$id" });
        }
        _findExisting.Transaction = transaction;
        _findExisting.Parameters[0].Value = EventIdBytes(eventId);
        return Convert.ToInt64(_findExisting.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    private SqliteCommand CommandFor(int rows)
    {
        if (_inserts.TryGetValue(rows, out var cached))
        {
            return cached;
        }
        var sql = new StringBuilder("INSERT INTO events (source, event_id, created_at, payload, properties, size) VALUES ");
        var command = connection.CreateCommand();
        for (var r = 0; r < rows; r++)
        {
            sql.Append(r == 0 ? "(" : ",(");
            for (var c = 0; c < Columns; c++)
            {
                var name = string.Create(CultureInfo.InvariantCulture, $"$p{r * Columns + c}");
                sql.Append(c == 0 ? "" : ",").Append(name);
                command.Parameters.Add(new SqliteParameter { ParameterName = name });
            }
            sql.Append(')');
        }
        sql.Append(" ON CONFLICT (event_id) DO NOTHING RETURNING seq, event_id");
        command.CommandText = sql.ToString();
        _inserts[rows] = command;
        return command;
    }

    /// <summary>
    /// Big-endian (RFC 4122 order): time-ordered v7 ids then sort by time, so the unique index grows at its end
    /// instead of splitting pages at random places.
    /// </summary>
    internal static byte[] EventIdBytes(Guid id) => id.ToByteArray(bigEndian: true);

    public void Dispose()
    {
        foreach (var command in _inserts.Values)
        {
            command.Dispose();
        }
        _findExisting?.Dispose();
    }
}
