using System.Security.Cryptography;
using System.Text;
using Dify.Knowledge.Storage;
using Dify.Knowledge.Storage.Vectors;
using Dify.Testing;
using Microsoft.Data.Sqlite;

namespace Dify.Knowledge.Tests.Storage.Vectors;

/// <summary>A real knowledge file in a temp folder with a vector store beside it; reopen to simulate a restart.</summary>
internal sealed class VectorFileHarness : IAsyncDisposable
{
    public const string Model = "embedded/hashing-384";
    public const int Dimensions = 384;

    private readonly bool _ownsFolder;
    private KnowledgeDatabase.WriteLease? _lease;

    private VectorFileHarness(TempDirectory folder, bool ownsFolder, KnowledgeDatabase database, KnowledgeDatabase.WriteLease lease)
    {
        Folder = folder;
        _ownsFolder = ownsFolder;
        Database = database;
        _lease = lease;
        Store = database.Vectors;
    }

    public TempDirectory Folder { get; }
    public KnowledgeDatabase Database { get; }
    public VectorStore Store { get; }
    public SqliteConnection Connection => _lease!.Connection;

    public static async Task<VectorFileHarness> OpenAsync(TempDirectory? folder = null)
    {
        var owns = folder is null;
        folder ??= new TempDirectory("dify-vectors");
        var database = await KnowledgeDatabase.OpenAsync(folder.Combine("knowledge.db"), CancellationToken.None);
        var lease = await database.WriteAsync(CancellationToken.None);
        return new VectorFileHarness(folder, owns, database, lease);
    }

    public Task<VectorSet> SetAsync(string model = Model, int dimensions = Dimensions) => Store.GetAsync(Connection, model, dimensions, CancellationToken.None);

    /// <summary>Appends and commits in one SQLite transaction, following the writer protocol.</summary>
    public async Task<long[]> CommitAsync(VectorSet set, IReadOnlyList<(byte[] Hash, float[] Vector)> batch)
    {
        long[] ordinals = [];
        await Connection.InVectorTransactionAsync(set, () =>
        {
            ordinals = set.Append(batch);
            return Task.CompletedTask;
        }, CancellationToken.None);
        return ordinals;
    }

    public async Task<long?> CommittedInSqliteAsync(string model = Model)
    {
        await using var command = Connection.CreateCommand();
        command.CommandText = "SELECT count FROM vector_files WHERE model = $model";
        command.Parameters.AddWithValue("$model", model);
        return (long?)await command.ExecuteScalarAsync();
    }

    /// <summary>Closes everything, as a process exit (or crash: nothing is flushed beyond what was written) would.</summary>
    public async ValueTask DisposeAsync()
    {
        Store.Dispose();
        if (_lease is not null) await _lease.DisposeAsync();
        _lease = null;
        await Database.DisposeAsync();
        SqliteConnection.ClearAllPools();
        if (_ownsFolder) Folder.Dispose();
    }
}

/// <summary>Deterministic test vectors and content hashes.</summary>
internal static class VectorData
{
    public static byte[] Hash(string content) => SHA256.HashData(Encoding.UTF8.GetBytes(content));

    public static float[] Vector(int seed, int dimensions = VectorFileHarness.Dimensions)
    {
        var random = new Random(seed);
        var vector = new float[dimensions];
        for (var i = 0; i < dimensions; i++) vector[i] = (float)(random.NextDouble() * 2 - 1);
        return vector;
    }

    public static List<(byte[] Hash, float[] Vector)> Batch(int first, int count, int dimensions = VectorFileHarness.Dimensions) =>
        Enumerable.Range(first, count).Select(i => (Hash($"chunk {i}"), Vector(i, dimensions))).ToList();

    /// <summary>Float16 keeps 11 significant bits: relative error at most 2^-11, plus the subnormal step near zero.</summary>
    public static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            var tolerance = Math.Abs(expected[i]) / 2048f + 1e-7f;
            if (Math.Abs(expected[i] - actual[i]) > tolerance)
                Assert.Fail($"Component {i}: expected {expected[i]}, read {actual[i]} (tolerance {tolerance}).");
        }
    }
}
