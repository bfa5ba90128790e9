using Dify.Knowledge.Storage;
using Dify.Knowledge.Storage.Vectors;
using Dify.Testing;

namespace Dify.Knowledge.Tests.Storage.Vectors;

/// <summary>The writer protocol, reads and dedupe of one model's vector file, on real files and a real knowledge file.</summary>
public sealed class VectorSetTests
{
    [Fact]
    public async Task Vectors_read_back_within_float16_precision_one_by_one_and_in_bulk()
    {
        await using var h = await VectorFileHarness.OpenAsync();
        var set = await h.SetAsync();
        var batch = VectorData.Batch(0, 300);
        var ordinals = await h.CommitAsync(set, batch);
        Assert.Equal(Enumerable.Range(0, 300).Select(i => (long)i), ordinals);

        var single = new float[VectorFileHarness.Dimensions];
        var half = new Half[VectorFileHarness.Dimensions];
        var hash = new byte[32];
        for (var i = 0; i < batch.Count; i++)
        {
            set.Read(ordinals[i], single);
            VectorData.AssertClose(batch[i].Vector, single);
            set.ReadHalf(ordinals[i], half);
            Assert.Equal(batch[i].Vector.Select(v => (Half)v), half);
            set.ReadHash(ordinals[i], hash);
            Assert.Equal(batch[i].Hash, hash);
        }

        // Bulk: unsorted, with repeats and far-apart ordinals; row i must be ordinals[i] whatever the read order.
        long[] wanted = [299, 0, 17, 17, 150, 1, 298, 40, 0];
        var many = new float[wanted.Length * VectorFileHarness.Dimensions];
        set.ReadMany(wanted, many);
        var manyHalf = new Half[wanted.Length * VectorFileHarness.Dimensions];
        set.ReadMany(wanted, manyHalf);
        for (var i = 0; i < wanted.Length; i++)
        {
            var row = many.AsSpan(i * VectorFileHarness.Dimensions, VectorFileHarness.Dimensions);
            VectorData.AssertClose(batch[(int)wanted[i]].Vector, row);
            Assert.Equal(batch[(int)wanted[i]].Vector.Select(v => (Half)v), manyHalf.AsSpan(i * VectorFileHarness.Dimensions, VectorFileHarness.Dimensions).ToArray());
        }
        var file = new FileInfo(set.Path);
        Assert.Equal(64 + 300L * (32 + 2 * VectorFileHarness.Dimensions), file.Length);
        Assert.Equal(300, await h.CommittedInSqliteAsync());
    }

    [Fact]
    public async Task Ordinals_and_content_stay_the_same_after_a_restart()
    {
        using var folder = new TempDirectory("dify-vectors");
        var first = VectorData.Batch(0, 50);
        var second = VectorData.Batch(50, 70);
        await using (var h = await VectorFileHarness.OpenAsync(folder))
        {
            var set = await h.SetAsync();
            await h.CommitAsync(set, first);
            await h.CommitAsync(set, second);
        }
        await using (var h = await VectorFileHarness.OpenAsync(folder))
        {
            var set = await h.SetAsync();
            Assert.Equal(120, set.CommittedCount);
            var all = first.Concat(second).ToList();
            var read = new float[VectorFileHarness.Dimensions];
            for (var i = 0; i < all.Count; i++)
            {
                Assert.True(set.TryFind(all[i].Hash, out var ordinal));
                Assert.Equal(i, ordinal);
                set.Read(i, read);
                VectorData.AssertClose(all[i].Vector, read);
            }
            var next = await h.CommitAsync(set, VectorData.Batch(500, 2));
            Assert.Equal([120L, 121L], next);
        }
    }

    [Fact]
    public async Task A_crash_before_commit_leaves_the_count_and_the_next_append_overwrites_the_tail()
    {
        using var folder = new TempDirectory("dify-vectors");
        var committed = VectorData.Batch(0, 10);
        var lost = VectorData.Batch(100, 5);
        var staged = VectorData.Batch(200, 4);
        long lengthAfterCrash;
        await using (var h = await VectorFileHarness.OpenAsync(folder))
        {
            var set = await h.SetAsync();
            await h.CommitAsync(set, committed);
            Assert.Equal([10L, 11L, 12L, 13L, 14L], set.Append(lost)); // written, never staged: the process dies here
            lengthAfterCrash = new FileInfo(set.Path).Length;
        }
        await using (var h = await VectorFileHarness.OpenAsync(folder))
        {
            var set = await h.SetAsync();
            Assert.Equal(10, set.CommittedCount);
            Assert.Equal(10, set.Count);
            Assert.Equal(lengthAfterCrash, new FileInfo(set.Path).Length); // the garbage is still on disk...
            foreach (var (hash, _) in lost) Assert.False(set.TryFind(hash, out _)); // ...but never seen
            Assert.Throws<ArgumentOutOfRangeException>(() => set.Read(10, new float[VectorFileHarness.Dimensions]));

            // Crash after staging inside the transaction but before COMMIT: SQLite rolls the count back.
            await Assert.ThrowsAsync<InvalidOperationException>(() => h.Connection.InTransactionAsync(async () =>
            {
                set.Append(staged);
                await set.StageCommitAsync(h.Connection, CancellationToken.None);
                throw new InvalidOperationException("crash before COMMIT");
            }, CancellationToken.None));
            Assert.Equal(10, await h.CommittedInSqliteAsync());
        }
        await using (var h = await VectorFileHarness.OpenAsync(folder))
        {
            var set = await h.SetAsync();
            Assert.Equal(10, set.CommittedCount);
            foreach (var (hash, _) in staged.Concat(lost)) Assert.False(set.TryFind(hash, out _));
            var fresh = VectorData.Batch(300, 3);
            Assert.Equal(new long[] { 10L, 11L, 12L }, await h.CommitAsync(set, fresh));
            Assert.Equal(lengthAfterCrash, new FileInfo(set.Path).Length); // overwritten in place, not appended after
            var read = new float[VectorFileHarness.Dimensions];
            for (var i = 0; i < fresh.Count; i++)
            {
                set.Read(10 + i, read);
                VectorData.AssertClose(fresh[i].Vector, read);
                Assert.True(set.TryFind(fresh[i].Hash, out var ordinal));
                Assert.Equal(10 + i, ordinal);
            }
        }
    }

    [Fact]
    public async Task A_rolled_back_transaction_discards_pending_records_and_reuses_their_ordinals()
    {
        await using var h = await VectorFileHarness.OpenAsync();
        var set = await h.SetAsync();
        await h.CommitAsync(set, VectorData.Batch(0, 3));
        var doomed = VectorData.Batch(10, 2);
        await Assert.ThrowsAsync<InvalidOperationException>(() => h.Connection.InVectorTransactionAsync(set, () =>
        {
            Assert.Equal([3L, 4L], set.Append(doomed));
            Assert.True(set.TryFind(doomed[1].Hash, out var pending)); // pending records dedupe within the transaction
            Assert.Equal(4, pending);
            throw new InvalidOperationException("the chunk update failed");
        }, CancellationToken.None));

        Assert.Equal(3, set.Count);
        Assert.Equal(3, await h.CommittedInSqliteAsync());
        Assert.False(set.TryFind(doomed[0].Hash, out _));
        Assert.Throws<ArgumentOutOfRangeException>(() => set.Read(3, new float[VectorFileHarness.Dimensions]));
        var replacement = VectorData.Batch(20, 2);
        Assert.Equal(new long[] { 3L, 4L }, await h.CommitAsync(set, replacement));
        Assert.True(set.TryFind(replacement[1].Hash, out var ordinal));
        Assert.Equal(4, ordinal);
    }

    [Fact]
    public async Task A_caller_that_forgets_Committed_is_brought_in_line_by_the_next_GetAsync()
    {
        await using var h = await VectorFileHarness.OpenAsync();
        var set = await h.SetAsync();
        var batch = VectorData.Batch(0, 4);
        await h.Connection.InTransactionAsync(async () =>
        {
            set.Append(batch);
            await set.StageCommitAsync(h.Connection, CancellationToken.None);
        }, CancellationToken.None);
        Assert.Equal(0, set.CommittedCount);
        Assert.Same(set, await h.SetAsync());
        Assert.Equal(4, set.CommittedCount);
        Assert.Equal(new long[] { 4L }, await h.CommitAsync(set, VectorData.Batch(10, 1)));
    }

    [Fact]
    public async Task Hashes_sharing_their_first_8_bytes_never_return_each_others_vectors()
    {
        using var folder = new TempDirectory("dify-vectors");
        // 40 hashes with one 8-byte prefix, differing in the middle or only in the last byte.
        var crafted = Enumerable.Range(0, 40).Select(i =>
        {
            var hash = new byte[32];
            "SAMEPRFX"u8.CopyTo(hash);
            hash[i % 2 == 0 ? 31 : 16] = (byte)(i + 1);
            return hash;
        }).ToList();
        var committed = crafted.Take(30).Select((hash, i) => (hash, VectorData.Vector(i))).ToList();
        var pending = crafted.Skip(30).Take(5).Select((hash, i) => (hash, VectorData.Vector(1000 + i))).ToList();
        var absent = crafted.Skip(35).ToList();
        await using (var h = await VectorFileHarness.OpenAsync(folder))
        {
            var set = await h.SetAsync();
            await h.CommitAsync(set, committed);
            AssertFinds(set, committed, 0);
            set.Append(pending);
            AssertFinds(set, pending, 30);
            foreach (var hash in absent) Assert.False(set.TryFind(hash, out _));
            set.RolledBack();
        }
        await using (var h = await VectorFileHarness.OpenAsync(folder))
        {
            var set = await h.SetAsync(); // index built lazily from the file's hash column
            AssertFinds(set, committed, 0);
            foreach (var hash in absent.Concat(pending.Select(p => p.hash))) Assert.False(set.TryFind(hash, out _));
            Assert.True(set.IndexBytes > 0);
        }

        static void AssertFinds(VectorSet set, List<(byte[] hash, float[] vector)> items, long firstOrdinal)
        {
            var read = new float[VectorFileHarness.Dimensions];
            for (var i = 0; i < items.Count; i++)
            {
                Assert.True(set.TryFind(items[i].hash, out var ordinal));
                Assert.Equal(firstOrdinal + i, ordinal);
                set.Read(ordinal, read);
                VectorData.AssertClose(items[i].vector, read);
            }
        }
    }

    [Fact]
    public async Task The_dedupe_index_finds_every_record_of_a_large_file_and_nothing_else()
    {
        using var folder = new TempDirectory("dify-vectors");
        const int Total = 20_000;
        await using (var h = await VectorFileHarness.OpenAsync(folder))
        {
            var set = await h.SetAsync("test/small", 8);
            for (var first = 0; first < Total; first += 2048)
                await h.CommitAsync(set, VectorData.Batch(first, Math.Min(2048, Total - first), 8));
        }
        await using (var h = await VectorFileHarness.OpenAsync(folder))
        {
            var set = await h.SetAsync("test/small", 8);
            for (var i = 0; i < Total; i += 7)
            {
                Assert.True(set.TryFind(VectorData.Hash($"chunk {i}"), out var ordinal));
                Assert.Equal(i, ordinal);
            }
            for (var i = Total; i < Total + 2000; i++) Assert.False(set.TryFind(VectorData.Hash($"chunk {i}"), out _));
            Assert.InRange(set.IndexBytes, Total * 12L, Total * 24L); // 12-byte slots, at most 3/4 full after a build
        }
    }

    [Fact]
    public async Task A_model_keeps_one_vector_size_and_says_which_sizes_clash()
    {
        using var folder = new TempDirectory("dify-vectors");
        await using (var h = await VectorFileHarness.OpenAsync(folder))
        {
            var set = await h.SetAsync();
            var wrong = Assert.Throws<ArgumentException>(() => set.Append([(VectorData.Hash("x"), new float[768])]));
            Assert.Contains("768", wrong.Message);
            Assert.Contains("384", wrong.Message);
            Assert.Throws<ArgumentException>(() => set.Append([(new byte[16], new float[384])]));
            var huge = new float[384];
            huge[7] = 70_000f;
            Assert.Contains("70000", Assert.Throws<ArgumentException>(() => set.Append([(VectorData.Hash("x"), huge)])).Message);
            huge[7] = float.NaN;
            Assert.Contains("NaN", Assert.Throws<ArgumentException>(() => set.Append([(VectorData.Hash("x"), huge)])).Message);
            Assert.Equal(0, set.Count);
            await h.CommitAsync(set, VectorData.Batch(0, 1));
        }
        await using (var h = await VectorFileHarness.OpenAsync(folder))
        {
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => h.SetAsync(dimensions: 768));
            Assert.Contains(VectorFileHarness.Model, error.Message);
            Assert.Contains("384", error.Message);
            Assert.Contains("768", error.Message);
            // Another model in the same knowledge file has its own file and size.
            var other = await h.SetAsync("openai/text-embedding-3-small", 16);
            Assert.NotEqual((await h.SetAsync()).Path, other.Path);
        }
    }

    [Fact]
    public async Task Readers_on_other_threads_see_exact_vectors_while_the_writer_appends()
    {
        await using var h = await VectorFileHarness.OpenAsync();
        var set = await h.SetAsync("test/concurrent", 64);
        using var done = new CancellationTokenSource();
        var readers = Enumerable.Range(0, 3).Select(r => Task.Run(() =>
        {
            var random = new Random(r);
            var read = new float[64];
            var reads = 0;
            while (!done.IsCancellationRequested || reads == 0)
            {
                var count = set.Count;
                if (count == 0) continue;
                var ordinal = random.NextInt64(count);
                set.Read(ordinal, read);
                var expected = VectorData.Vector((int)ordinal, 64);
                for (var i = 0; i < 64; i++)
                    if (read[i] != (float)(Half)expected[i]) throw new InvalidOperationException($"Ordinal {ordinal} read wrong at {i}.");
                reads++;
            }
            return reads;
        })).ToList();
        for (var first = 0; first < 6400; first += 64)
            await h.CommitAsync(set, VectorData.Batch(first, 64, 64));
        await done.CancelAsync();
        var totals = await Task.WhenAll(readers);
        Assert.All(totals, total => Assert.True(total > 0));
        Assert.Equal(6400, set.CommittedCount);
    }

    [Fact]
    public async Task A_reader_finds_nothing_before_the_first_vector_and_shares_the_writers_set_after()
    {
        await using var h = await VectorFileHarness.OpenAsync();
        await using var read = await h.Database.ReadAsync(CancellationToken.None);
        Assert.Null(await h.Store.FindAsync(read.Connection, VectorFileHarness.Model, CancellationToken.None));
        var set = await h.SetAsync();
        await h.CommitAsync(set, VectorData.Batch(0, 2));
        Assert.Same(set, await h.Store.FindAsync(read.Connection, VectorFileHarness.Model, CancellationToken.None));
        Assert.Null(await h.Store.FindAsync(read.Connection, "other/model", CancellationToken.None));
    }

    [Fact]
    public async Task Bulk_reads_spanning_several_read_blocks_return_every_row_in_the_callers_order()
    {
        await using var h = await VectorFileHarness.OpenAsync();
        var set = await h.SetAsync();
        var batch = VectorData.Batch(0, 3000); // 2.4 MB of records: more than two 1 MiB read blocks
        await h.CommitAsync(set, batch);
        var wanted = Enumerable.Range(0, 3000).Where(i => i % 5 != 3).Select(i => (long)i).Reverse().Concat([0L, 2999L, 1500L]).ToArray();
        var rows = new float[wanted.Length * VectorFileHarness.Dimensions];
        set.ReadMany(wanted, rows);
        for (var i = 0; i < wanted.Length; i++)
            VectorData.AssertClose(batch[(int)wanted[i]].Vector, rows.AsSpan(i * VectorFileHarness.Dimensions, VectorFileHarness.Dimensions));
        Assert.Throws<ArgumentOutOfRangeException>(() => set.ReadMany([1L, 3000L], new float[2 * VectorFileHarness.Dimensions]));
        Assert.Throws<ArgumentException>(() => set.ReadMany([1L, 2L], new float[VectorFileHarness.Dimensions]));
    }
}
