using Azure;
using Dify.Storage.Azure;
using Dify.Storage.Azure.Tables;
using Dify.Storage.Tests.Azurite;

namespace Dify.Storage.Tests.Tables;

[Collection(AzuriteCollection.Name)]
public sealed class TableStoreClientTests(AzuriteFixture azurite)
{
    private readonly TableStoreClient _client = azurite.CreateTableClient();

    private async Task<string> NewTableAsync(TableStoreClient? client = null)
    {
        var name = "t" + Guid.NewGuid().ToString("N")[..20];
        Assert.True(await (client ?? _client).CreateTableIfNotExistsAsync(name));
        return name;
    }

    [Fact]
    public async Task Create_table_is_idempotent()
    {
        var table = await NewTableAsync();
        Assert.False(await _client.CreateTableIfNotExistsAsync(table));
        Assert.True(await _client.DeleteTableIfExistsAsync(table));
        Assert.False(await _client.DeleteTableIfExistsAsync(table));
    }

    [Fact]
    public async Task Insert_get_delete_and_conflicts()
    {
        var table = await NewTableAsync();
        var entity = new TableEntity("p1", "r1") { { "Name", "first" }, { "Count", 1 } };
        var etag = await _client.InsertAsync(table, entity);
        Assert.NotEqual(default, etag);
        Assert.Equal(etag, entity.ETag);

        var read = await _client.GetAsync(table, "p1", "r1");
        Assert.NotNull(read);
        Assert.Equal("first", read.GetString("Name"));
        Assert.Equal(1, read.GetInt32("Count"));
        Assert.Equal(etag, read.ETag);
        Assert.NotNull(read.Timestamp);

        var duplicate = await Assert.ThrowsAsync<StorageRequestException>(() => _client.InsertAsync(table, new TableEntity("p1", "r1")));
        Assert.Equal(409, duplicate.Status);
        Assert.Equal("EntityAlreadyExists", duplicate.ErrorCode);

        await _client.DeleteAsync(table, "p1", "r1");
        Assert.Null(await _client.GetAsync(table, "p1", "r1"));
        var missing = await Assert.ThrowsAsync<StorageRequestException>(() => _client.DeleteAsync(table, "p1", "r1"));
        Assert.Equal(404, missing.Status);
        Assert.Equal("ResourceNotFound", missing.ErrorCode);
        Assert.False(await _client.DeleteIfExistsAsync(table, "p1", "r1"));
    }

    [Fact]
    public async Task Typed_properties_round_trip_with_their_types()
    {
        var table = await NewTableAsync();
        var when = new DateTimeOffset(2024, 2, 29, 13, 14, 15, TimeSpan.FromHours(2)).AddTicks(1234567);
        var id = Guid.NewGuid();
        var entity = new TableEntity("types", "all")
        {
            { "Text", "ünïcödé 'quoted' \"double\"" },
            { "Empty", "" },
            { "Int", int.MinValue },
            { "SmallLong", 5L },
            { "BigLong", long.MaxValue },
            { "WholeDouble", 2.0 },
            { "Fraction", 0.1 },
            { "Huge", 1.5e300 },
            { "NotANumber", double.NaN },
            { "MinusInfinity", double.NegativeInfinity },
            { "Yes", true },
            { "No", false },
            { "When", when },
            { "Id", id },
            { "Bytes", new byte[] { 0, 1, 2, 254, 255 } },
            { "Legacy", new DateTime(2020, 1, 2, 3, 4, 5, DateTimeKind.Utc) },
        };
        await _client.InsertAsync(table, entity);

        var read = await _client.GetAsync(table, "types", "all");
        Assert.NotNull(read);
        Assert.Equal(entity.Count, read.Count);
        foreach (var (name, value) in entity)
        {
            Assert.Equal(value.GetType(), read[name]!.GetType());
            Assert.Equal(value, read[name]);
        }
        Assert.Equal(when, read.GetDateTimeOffset("When"));
        Assert.Equal(when.UtcTicks, read.GetDateTimeOffset("When")!.Value.UtcTicks);
        Assert.IsType<long>(read["SmallLong"]);
        Assert.IsType<double>(read["WholeDouble"]);
        Assert.Equal(new DateTimeOffset(2020, 1, 2, 3, 4, 5, TimeSpan.Zero), read.GetDateTimeOffset("Legacy"));

        // The same types come back from a query.
        var queried = Assert.Single((await _client.QueryAsync(table)).Items);
        foreach (var (name, value) in entity)
        {
            Assert.Equal(value, queried[name]);
        }
    }

    [Fact]
    public async Task Merge_keeps_other_properties_and_replace_drops_them()
    {
        var table = await NewTableAsync();
        await _client.UpsertAsync(table, new TableEntity("p", "r") { { "A", "a" }, { "B", "b" } });

        await _client.UpsertAsync(table, new TableEntity("p", "r") { { "B", "b2" }, { "C", 3 } }, TableUpdateMode.Merge);
        var merged = await _client.GetAsync(table, "p", "r");
        Assert.Equal(["A", "B", "C"], merged!.Keys.Order());
        Assert.Equal("b2", merged.GetString("B"));

        await _client.UpsertAsync(table, new TableEntity("p", "r") { { "C", 4 } }, TableUpdateMode.Replace);
        var replaced = await _client.GetAsync(table, "p", "r");
        Assert.Equal(["C"], replaced!.Keys);
        Assert.Equal(4, replaced.GetInt32("C"));

        // Merge with an ETag condition.
        await _client.UpdateAsync(table, new TableEntity("p", "r") { { "D", true } }, replaced.ETag, TableUpdateMode.Merge);
        Assert.Equal(["C", "D"], (await _client.GetAsync(table, "p", "r"))!.Keys.Order());

        // Upsert creates when missing, in both modes.
        await _client.UpsertAsync(table, new TableEntity("p", "new-merge") { { "X", 1 } }, TableUpdateMode.Merge);
        await _client.UpsertAsync(table, new TableEntity("p", "new-replace") { { "X", 2 } });
        Assert.Equal(1, (await _client.GetAsync(table, "p", "new-merge"))!.GetInt32("X"));
        Assert.Equal(2, (await _client.GetAsync(table, "p", "new-replace"))!.GetInt32("X"));
    }

    [Fact]
    public async Task Stale_etag_fails_with_412_and_missing_entity_with_404()
    {
        var table = await NewTableAsync();
        var entity = new TableEntity("p", "r") { { "V", 1 } };
        var v1 = await _client.InsertAsync(table, entity);
        entity["V"] = 2;
        var v2 = await _client.UpdateAsync(table, entity, v1);
        Assert.NotEqual(v1, v2);

        entity["V"] = 3;
        var stale = await Assert.ThrowsAsync<StorageRequestException>(() => _client.UpdateAsync(table, entity, v1));
        Assert.Equal(412, stale.Status);
        Assert.Equal("UpdateConditionNotSatisfied", stale.ErrorCode);
        var staleMerge = await Assert.ThrowsAsync<StorageRequestException>(() => _client.UpdateAsync(table, entity, v1, TableUpdateMode.Merge));
        Assert.Equal(412, staleMerge.Status);
        var staleDelete = await Assert.ThrowsAsync<StorageRequestException>(() => _client.DeleteAsync(table, "p", "r", v1));
        Assert.Equal(412, staleDelete.Status);
        Assert.Equal(2, (await _client.GetAsync(table, "p", "r"))!.GetInt32("V"));

        await _client.UpdateAsync(table, entity, ETag.All);
        Assert.Equal(3, (await _client.GetAsync(table, "p", "r"))!.GetInt32("V"));

        var missing = await Assert.ThrowsAsync<StorageRequestException>(() => _client.UpdateAsync(table, new TableEntity("p", "nope"), ETag.All));
        Assert.Equal(404, missing.Status);
        Assert.Equal("ResourceNotFound", missing.ErrorCode);

        var current = (await _client.GetAsync(table, "p", "r"))!.ETag;
        await _client.DeleteAsync(table, "p", "r", current);
    }

    [Fact]
    public async Task Query_filters_selects_and_follows_continuations()
    {
        var table = await NewTableAsync();
        const int count = 1100;
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
            await _client.InsertAsync(table, new TableEntity(i % 2 == 0 ? "even" : "odd", $"{i:D5}") { { "Num", i }, { "Label", $"n{i}" }, { "Big", (long)i << 33 } }, ct));

        // No $top: the service stops at 1000 and hands back a continuation.
        var first = await _client.QueryAsync(table);
        Assert.Equal(1000, first.Items.Count);
        Assert.NotNull(first.Continuation);
        var second = await _client.QueryAsync(table, new TableQuery { Continuation = first.Continuation });
        Assert.Equal(100, second.Items.Count);
        Assert.Null(second.Continuation);
        Assert.Equal(count, first.Items.Concat(second.Items).Select(e => (e.PartitionKey, e.RowKey)).Distinct().Count());

        // $top paging with a filter and $select.
        var pages = 0;
        var seen = new List<int>();
        TableContinuation? continuation = null;
        do
        {
            var page = await _client.QueryAsync(table, new TableQuery
            {
                Filter = $"{TableFilter.Equal("PartitionKey", "even")} and Num ge 500",
                Select = ["Num"],
                Top = 100,
                Continuation = continuation,
            });
            Assert.True(page.Items.Count <= 100);
            Assert.All(page.Items, e => Assert.Equal(["Num"], e.Keys));
            seen.AddRange(page.Items.Select(e => e.GetInt32("Num")!.Value));
            continuation = page.Continuation;
            pages++;
        }
        while (continuation is not null);
        var expected = Enumerable.Range(500, count - 500).Where(i => i % 2 == 0).ToList();
        Assert.Equal(expected, seen);
        Assert.True(pages >= 3, $"only {pages} pages");

        var big = new List<TableEntity>();
        await foreach (var e in _client.QueryAllAsync(table, $"Big eq {TableFilter.Literal(7L << 33)}")) big.Add(e);
        Assert.Equal("n7", Assert.Single(big).GetString("Label"));
    }

    [Fact]
    public async Task Keys_with_special_characters_work_everywhere()
    {
        var table = await NewTableAsync();
        string[] keys = ["it's", "a b+c&d=e", "100%", "ünï 中文 (x) [y] {z}", "semi;colon,comma:colon", "~!@$^*"];
        foreach (var pk in keys)
        {
            foreach (var rk in keys)
            {
                await _client.UpsertAsync(table, new TableEntity(pk, rk) { { "Pair", pk + "|" + rk } });
            }
        }
        foreach (var pk in keys)
        {
            var read = await _client.GetAsync(table, pk, "it's");
            Assert.Equal(pk + "|it's", read?.GetString("Pair"));

            var inPartition = new List<TableEntity>();
            await foreach (var e in _client.QueryAllAsync(table, TableFilter.Equal("PartitionKey", pk))) inPartition.Add(e);
            Assert.Equal(keys.Order(StringComparer.Ordinal), inPartition.Select(e => e.RowKey));
        }

        var entity = (await _client.GetAsync(table, "100%", "a b+c&d=e"))!;
        entity["Extra"] = 1;
        await _client.UpdateAsync(table, entity, entity.ETag, TableUpdateMode.Merge);
        await _client.DeleteAsync(table, "it's", "~!@$^*");
        Assert.Null(await _client.GetAsync(table, "it's", "~!@$^*"));
        await Assert.ThrowsAsync<ArgumentException>(() => _client.GetAsync(table, "a/b", "x"));
    }

    [Fact]
    public async Task Shared_key_lite_signing_is_accepted()
    {
        var options = AzuriteFixture.FastOptions();
        options.UseSharedKeyLiteForTables = true;
        var lite = azurite.CreateTableClient(options);
        var table = await NewTableAsync(lite);
        await lite.InsertAsync(table, new TableEntity("p", "r") { { "X", 1 } });
        Assert.Equal(1, (await lite.GetAsync(table, "p", "r"))!.GetInt32("X"));
    }
}
