using Dify.Knowledge.Storage.Vectors;
using Dify.Testing;

namespace Dify.Knowledge.Tests.Storage.Vectors;

/// <summary>Damaged or foreign vector files are refused with an error naming the file; model keys map to safe names.</summary>
public sealed class VectorFileDamageTests
{
    private static async Task<string> WriteCommittedFileAsync(TempDirectory folder, int records)
    {
        await using var h = await VectorFileHarness.OpenAsync(folder);
        var set = await h.SetAsync();
        await h.CommitAsync(set, VectorData.Batch(0, records));
        return set.Path;
    }

    [Fact]
    public async Task A_file_shorter_than_its_committed_records_is_refused_naming_the_file()
    {
        using var folder = new TempDirectory("dify-vectors");
        var path = await WriteCommittedFileAsync(folder, 10);
        await using (var stream = new FileStream(path, FileMode.Open)) stream.SetLength(64 + 5 * 800 + 100);
        await using var h = await VectorFileHarness.OpenAsync(folder);
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => h.SetAsync());
        Assert.Contains(path, error.Message);
        Assert.Contains("truncated", error.Message);

        await using (var stream = new FileStream(path, FileMode.Open)) stream.SetLength(20);
        error = await Assert.ThrowsAsync<InvalidDataException>(() => h.SetAsync());
        Assert.Contains(path, error.Message);
        Assert.Contains("header", error.Message);
    }

    [Theory]
    [InlineData(0, "magic")]
    [InlineData(8, "version")]
    [InlineData(10, "element type")]
    [InlineData(12, "dimensional")]
    [InlineData(16, "record size")]
    [InlineData(40, "another embedding model")]
    public async Task A_bad_header_is_refused_naming_the_file_and_the_field(int offset, string says)
    {
        using var folder = new TempDirectory("dify-vectors");
        var path = await WriteCommittedFileAsync(folder, 3);
        var bytes = await File.ReadAllBytesAsync(path);
        bytes[offset] ^= 0x5A;
        await File.WriteAllBytesAsync(path, bytes);
        await using var h = await VectorFileHarness.OpenAsync(folder);
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => h.SetAsync());
        Assert.Contains(path, error.Message);
        Assert.Contains(says, error.Message);
    }

    [Fact]
    public async Task A_missing_file_with_committed_vectors_is_an_error_but_an_empty_one_is_recreated()
    {
        using var folder = new TempDirectory("dify-vectors");
        var path = await WriteCommittedFileAsync(folder, 2);
        File.Delete(path);
        await using (var h = await VectorFileHarness.OpenAsync(folder))
        {
            var error = await Assert.ThrowsAsync<InvalidDataException>(() => h.SetAsync());
            Assert.Contains(path, error.Message);
            Assert.Contains("missing", error.Message);
            // A model whose row exists with no committed record gets a fresh file, whatever lies there.
            var empty = await h.SetAsync("test/empty", 8);
            var emptyPath = empty.Path;
            h.Store.Dispose();
            await File.WriteAllTextAsync(emptyPath, "not a vector file");
        }
        await using (var h = await VectorFileHarness.OpenAsync(folder))
        {
            var set = await h.SetAsync("test/empty", 8);
            Assert.Equal(new long[] { 0 }, await h.CommitAsync(set, VectorData.Batch(0, 1, 8)));
            Assert.Equal(64 + 32 + 16, new FileInfo(set.Path).Length);
        }
    }

    [Fact]
    public async Task A_file_of_another_model_copied_over_is_refused()
    {
        using var folder = new TempDirectory("dify-vectors");
        string a, b;
        await using (var h = await VectorFileHarness.OpenAsync(folder))
        {
            var setA = await h.SetAsync("vendor/model-a", 8);
            var setB = await h.SetAsync("vendor/model-b", 8);
            await h.CommitAsync(setA, VectorData.Batch(0, 2, 8));
            await h.CommitAsync(setB, VectorData.Batch(0, 2, 8));
            (a, b) = (setA.Path, setB.Path);
        }
        File.Copy(a, b, overwrite: true);
        await using (var h = await VectorFileHarness.OpenAsync(folder))
        {
            var error = await Assert.ThrowsAsync<InvalidDataException>(() => h.SetAsync("vendor/model-b", 8));
            Assert.Contains(b, error.Message);
            Assert.Contains("another embedding model", error.Message);
        }
    }

    [Fact]
    public void Any_model_key_maps_to_a_distinct_plain_file_name()
    {
        string[] keys =
        [
            "embedded/hashing-384", "embedded_hashing-384", "EMBEDDED/hashing-384", "../../etc/passwd", "a\\b:c*d?e\"f<g>h|i",
            "模型/向量", " ", ".hidden", new string('x', 500), new string('x', 501), "openai/text-embedding-3-small",
        ];
        var names = keys.Select(VectorFileName.For).ToList();
        Assert.Equal(keys.Length, names.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        using var folder = new TempDirectory("dify-vectors");
        foreach (var name in names)
        {
            Assert.True(VectorFileName.IsPlain(name), name);
            Assert.True(name.Length <= 48 + 1 + 10 + 4, name);
            File.WriteAllText(folder.Combine(name), "");
        }
        Assert.Equal(keys.Length, Directory.GetFiles(folder.Path).Length);
        Assert.StartsWith("embedded_hashing-384-", names[0]);
        Assert.False(VectorFileName.IsPlain("../x.vec"));
        Assert.False(VectorFileName.IsPlain("x.db"));
    }
}
