using Dify.Host.Web;
using Dify.Testing;
using Dify.Workflows.Knowledge;
using Microsoft.Extensions.Configuration;

namespace Dify.Host.Tests;

/// <summary>The local blob trigger: a file dropped under data/documents/{dataset}/ becomes searchable within seconds.</summary>
public sealed class DocumentWatchTests
{
    [Fact]
    public async Task A_dropped_file_is_ingested_and_a_deleted_one_removed()
    {
        using var dir = new TempDirectory();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Admin:ApiKey"] = "admin-test" }).Build();
        await using var host = await DifyWebHost.StartAsync(dir.Path, configuration, "http://127.0.0.1:0");
        var folder = Directory.CreateDirectory(Path.Combine(dir.Path, "documents", "line-3")).FullName;
        var file = Path.Combine(folder, "torque.md");
        File.WriteAllText(file, "The torque for M8 bolts on line 3 is 25 Nm.");

        async Task<IReadOnlyList<RetrievedChunk>> SearchAsync() =>
            await host.Engine.Knowledge.RetrieveAsync(new KnowledgeQuery(["line-3"], "torque M8", 3, SearchMethod.FullText), CancellationToken.None);

        var deadline = DateTime.UtcNow.AddSeconds(20);
        IReadOnlyList<RetrievedChunk> hits = [];
        while (DateTime.UtcNow < deadline && (hits = await SearchAsync()).Count == 0) await Task.Delay(100);
        Assert.Contains("25 Nm", Assert.Single(hits).Content);

        File.Delete(file);
        deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline && (await SearchAsync()).Count > 0) await Task.Delay(100);
        Assert.Empty(await SearchAsync());
    }
}
