using Dify.Workflows.Knowledge;

namespace Dify.Knowledge.AzureSearch.Tests;

/// <summary>The stored segments in the index (what the Dataset API's segment routes use in Azure), on the local AI Search server.</summary>
public sealed class SegmentTests
{
    [Fact]
    public async Task Segments_are_read_edited_and_switched_off_in_the_index_and_searches_skip_what_is_off()
    {
        await using var h = await AzureSearchHarness.StartAsync();
        h.AddDataset("a");
        await h.AddDocumentAsync("a", "d1", ["solar panels make electricity", "wind turbines make electricity"]);
        await h.AddParentChildDocumentAsync("a", "d2", [("Batteries store electricity for the night.", ["batteries store electricity", "for the night"])]);

        var d1 = await h.Index.ListSegmentsAsync("a", "d1", CancellationToken.None);
        Assert.Equal(["d1:1", "d1:2"], d1.Select(s => s.Id));
        Assert.All(d1, s => Assert.True(s.Enabled));
        var parent = Assert.Single(await h.Index.ListSegmentsAsync("a", "d2", CancellationToken.None));
        Assert.Equal(["batteries store electricity", "for the night"], parent.ChildChunks.Select(c => c.Content));

        Assert.True(await h.Index.UpdateSegmentAsync("a", "d1", "d1:1", enabled: false, answer: "sun", keywords: ["solar"], CancellationToken.None));
        var edited = await h.Index.GetSegmentAsync("a", "d1", "d1:1", CancellationToken.None);
        Assert.NotNull(edited);
        Assert.False(edited.Enabled);
        Assert.Equal("sun", edited.Answer);
        Assert.Equal(["solar"], edited.Keywords);
        Assert.Equal("solar panels make electricity", edited.Content);
        Assert.False(await h.Index.UpdateSegmentAsync("a", "d1", "d1:9", enabled: false, null, null, CancellationToken.None));
        var found = await h.RetrieveAsync("electricity", SearchMethod.FullText);
        Assert.DoesNotContain(found, c => c.SegmentId == "d1:1");
        Assert.Contains(found, c => c.SegmentId == "d1:2");

        // A parent's switch reaches its children (they are what is searched); a document's reaches all its chunks.
        await h.Index.UpdateSegmentAsync("a", "d2", "d2:1", enabled: false, null, null, CancellationToken.None);
        Assert.DoesNotContain(await h.RetrieveAsync("batteries night", SearchMethod.FullText), c => c.DocumentId == "d2");
        await h.Index.UpdateSegmentAsync("a", "d2", "d2:1", enabled: true, null, null, CancellationToken.None);
        Assert.Contains(await h.RetrieveAsync("batteries night", SearchMethod.FullText), c => c.DocumentId == "d2");
        Assert.Equal(3, await h.Index.SetDocumentEnabledAsync("a", "d2", false, CancellationToken.None));
        Assert.DoesNotContain(await h.RetrieveAsync("batteries night", SearchMethod.Semantic), c => c.DocumentId == "d2");
        Assert.Single(await h.Index.ListSegmentsAsync("a", "d2", CancellationToken.None)); // kept, only switched off
        await h.Index.SetDocumentEnabledAsync("a", "d2", true, CancellationToken.None);
        Assert.Contains(await h.RetrieveAsync("batteries night", SearchMethod.FullText), c => c.DocumentId == "d2");

        Assert.Equal(3, await h.Index.DeleteSegmentAsync("a", "d2", "d2:1", CancellationToken.None));
        Assert.Null(await h.Index.GetSegmentAsync("a", "d2", "d2:1", CancellationToken.None));
        Assert.Equal(2, h.Server.Index("knowledge")!.Documents.Count);
    }
}
