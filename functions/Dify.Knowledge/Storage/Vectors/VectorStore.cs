using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Win32.SafeHandles;

namespace Dify.Knowledge.Storage.Vectors;

/// <summary>
/// The vector files of one knowledge file, in the folder <c>&lt;knowledge.db&gt;.vectors/</c>: one
/// <see cref="VectorSet"/> per embedding model, opened once and shared by the writer and all readers.
/// The vector_files table (see <see cref="VectorFileSchema"/>) is the source of truth for which file holds a model
/// and how many of its records are committed.
/// </summary>
internal sealed class VectorStore : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<string, VectorSet> _sets = new(StringComparer.Ordinal);
    private readonly ILogger _logger;
    private bool _disposed;

    public VectorStore(string knowledgePath, ILogger<VectorStore>? logger = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(knowledgePath);
        // Records are written in memory order; a big-endian machine would need byte swaps no one can test here.
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("Vector files are little-endian; this machine is not.");
        Folder = System.IO.Path.GetFullPath(knowledgePath) + ".vectors";
        _logger = logger ?? NullLogger<VectorStore>.Instance;
    }

    public string Folder { get; }

    /// <summary>
    /// The set of <paramref name="modelKey"/>, creating its file and vector_files row when missing. Call it on the
    /// knowledge file's write connection (inside or outside a transaction). Throws when the model's vectors already
    /// have another size, naming the model and both sizes.
    /// </summary>
    public async Task<VectorSet> GetAsync(SqliteConnection connection, string modelKey, int dimensions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentException.ThrowIfNullOrEmpty(modelKey);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dimensions);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(dimensions, 65_536);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            // Read first: a write statement per call would open a write transaction on every batch. The table is
            // checked every time, not once: a transaction that created it may have rolled back since.
            var row = await VectorFileRows.TableExistsAsync(connection, cancellationToken).ConfigureAwait(false)
                ? await VectorFileRows.FindAsync(connection, modelKey, cancellationToken).ConfigureAwait(false)
                : null;
            if (row is null)
            {
                await VectorFileRows.EnsureTableAsync(connection, cancellationToken).ConfigureAwait(false);
                row = await VectorFileRows.GetOrAddAsync(connection, modelKey, VectorFileName.For(modelKey), dimensions, cancellationToken).ConfigureAwait(false);
            }
            if (row.Dimensions != dimensions)
                throw new InvalidOperationException(
                    $"Embedding model '{modelKey}' already has {row.Dimensions}-dimensional vectors in this knowledge file; got {dimensions}-dimensional ones. "
                    + "A model's vectors all have one size: re-create the dataset's index with the new model instead.");
            if (_sets.TryGetValue(modelKey, out var set))
            {
                set.Reconcile(row.Count);
                return set;
            }
            set = Open(modelKey, row, create: row.Count == 0);
            _sets[modelKey] = set;
            return set;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The set of <paramref name="modelKey"/> for reading, or null when the knowledge file has no vectors of it.</summary>
    public async Task<VectorSet?> FindAsync(SqliteConnection connection, string modelKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentException.ThrowIfNullOrEmpty(modelKey);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_sets.TryGetValue(modelKey, out var set)) return set;
            if (!await VectorFileRows.TableExistsAsync(connection, cancellationToken).ConfigureAwait(false)) return null;
            var row = await VectorFileRows.FindAsync(connection, modelKey, cancellationToken).ConfigureAwait(false);
            if (row is null || row.Count == 0) return null;
            set = Open(modelKey, row, create: false);
            _sets[modelKey] = set;
            return set;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Opens the file of a row. With no committed record the file is (re)written with a fresh header: whatever a
    /// crash or a rolled-back creation left there is garbage by definition.
    /// </summary>
    private VectorSet Open(string modelKey, VectorFileRow row, bool create)
    {
        if (!VectorFileName.IsPlain(row.File))
            throw new InvalidDataException($"The vector_files row of model '{modelKey}' names '{row.File}', which is not a plain vector file name.");
        Directory.CreateDirectory(Folder);
        var path = System.IO.Path.Combine(Folder, row.File);
        if (!create && !File.Exists(path))
            throw new InvalidDataException($"Vector file '{path}' of model '{modelKey}' is missing; the knowledge file says it holds {row.Count} committed vectors.");
        var file = File.OpenHandle(path, create ? FileMode.OpenOrCreate : FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
        try
        {
            if (create)
            {
                RandomAccess.SetLength(file, VectorFileHeader.HeaderBytes);
                new VectorFileHeader(row.Dimensions, VectorFileName.KeyHash(modelKey)).Write(file);
                RandomAccess.FlushToDisk(file);
                VectorStoreLog.Created(_logger, modelKey, path, row.Dimensions);
            }
            else
            {
                var header = VectorFileHeader.Read(file, path, modelKey, row.Dimensions);
                var needed = VectorFileHeader.RecordOffset(row.Count, header.RecordBytes);
                var length = RandomAccess.GetLength(file);
                if (length < needed)
                    throw new InvalidDataException($"Vector file '{path}' is truncated: {length} bytes, but its {row.Count} committed records of model '{modelKey}' need {needed}.");
                VectorStoreLog.Opened(_logger, modelKey, path, row.Count, (length - needed) / header.RecordBytes);
            }
            return new VectorSet(path, modelKey, file, row.Dimensions, row.Count);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        _gate.Wait();
        try
        {
            if (_disposed) return;
            _disposed = true;
            foreach (var set in _sets.Values) set.Dispose();
            _sets.Clear();
        }
        finally
        {
            _gate.Release();
        }
    }
}

/// <summary>The files this store opened or created, with enough to find them again.</summary>
internal static partial class VectorStoreLog
{
    [LoggerMessage(EventId = 4120, Level = LogLevel.Information, Message = "Created vector file {Path} for model {Model} ({Dimensions} dimensions)")]
    public static partial void Created(ILogger logger, string model, string path, int dimensions);

    [LoggerMessage(EventId = 4121, Level = LogLevel.Debug, Message = "Opened vector file {Path} for model {Model}: {Committed} committed records, {Garbage} uncommitted records to overwrite")]
    public static partial void Opened(ILogger logger, string model, string path, long committed, long garbage);
}
