using System.Collections.Concurrent;
using Dify.Storage.Sqlite;
using Dify.Knowledge.Storage.Vectors;
using Microsoft.Data.Sqlite;

namespace Dify.Knowledge.Storage;

/// <summary>
/// The one SQLite file that holds datasets, documents (with their ingestion progress) and chunks, and beside it the
/// embedding vectors' files (<see cref="Vectors"/>). Reads use pooled open connections; writes go through one
/// connection at a time.
/// </summary>
public sealed class KnowledgeDatabase : IAsyncDisposable
{
    private readonly SqliteDatabase _database;
    private readonly ConcurrentBag<SqliteConnection> _readers = [];
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private SqliteConnection? _writer;

    private KnowledgeDatabase(string path)
    {
        _database = new SqliteDatabase(path);
        Vectors = new VectorStore(_database.Path);
    }

    public string Path => _database.Path;

    /// <summary>The vector files, one per embedding model; their committed counts move with this file's transactions.</summary>
    internal VectorStore Vectors { get; }

    /// <summary>Opens (creating when missing) the knowledge file at <paramref name="path"/>.</summary>
    public static async Task<KnowledgeDatabase> OpenAsync(string path, CancellationToken cancellationToken)
    {
        var db = new KnowledgeDatabase(path);
        await using (var lease = await db.WriteAsync(cancellationToken).ConfigureAwait(false))
        {
            await using var command = lease.Connection.CreateCommand();
            command.CommandText = KnowledgeSchema.Sql;
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            await lease.Connection.InTransactionAsync(() => KnowledgeMigrations.ApplyAsync(lease.Connection, cancellationToken), cancellationToken).ConfigureAwait(false);
            // Files of earlier versions: vectors move from the embeddings table to vector files; the FTS5 table goes
            // (the keyword index is built in memory from chunks.content).
            await EmbeddingsMigration.MigrateAsync(lease.Connection, db.Vectors, cancellationToken).ConfigureAwait(false);
            await using var drop = lease.Connection.CreateCommand();
            drop.CommandText = "DROP TABLE IF EXISTS chunks_fts";
            await drop.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        return db;
    }

    internal async Task<ReadLease> ReadAsync(CancellationToken cancellationToken)
    {
        if (!_readers.TryTake(out var connection))
            connection = await OpenAsync(ReaderCacheKiB, cancellationToken).ConfigureAwait(false);
        return new ReadLease(this, connection);
    }

    internal async Task<WriteLease> WriteAsync(CancellationToken cancellationToken)
    {
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _writer ??= await OpenAsync(WriterCacheKiB, cancellationToken).ConfigureAwait(false);
            return new WriteLease(this, _writer);
        }
        catch
        {
            _writeGate.Release();
            throw;
        }
    }

    private const int WriterCacheKiB = 32 * 1024;
    private const int ReaderCacheKiB = 8 * 1024;

    /// <summary>A connection with the shared settings and a larger page cache (FTS merges and index inserts need it).</summary>
    private async Task<SqliteConnection> OpenAsync(int cacheKiB, CancellationToken ct)
    {
        var connection = await _database.OpenAsync(ct).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA cache_size = -{cacheKiB}; PRAGMA temp_store = MEMORY;";
        await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        return connection;
    }

    public async ValueTask DisposeAsync()
    {
        await _writeGate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_writer is not null) await _writer.DisposeAsync().ConfigureAwait(false);
            _writer = null;
            while (_readers.TryTake(out var reader)) await reader.DisposeAsync().ConfigureAwait(false);
            Vectors.Dispose();
        }
        finally
        {
            _writeGate.Release();
        }
    }

    internal sealed class ReadLease(KnowledgeDatabase owner, SqliteConnection connection) : IAsyncDisposable
    {
        public SqliteConnection Connection { get; } = connection;

        public ValueTask DisposeAsync()
        {
            owner._readers.Add(Connection);
            return ValueTask.CompletedTask;
        }
    }

    internal sealed class WriteLease(KnowledgeDatabase owner, SqliteConnection connection) : IAsyncDisposable
    {
        public SqliteConnection Connection { get; } = connection;

        public ValueTask DisposeAsync()
        {
            owner._writeGate.Release();
            return ValueTask.CompletedTask;
        }
    }
}
