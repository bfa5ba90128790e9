using System.Text.Json.Nodes;
using Dify.Workflows.Dsl;

namespace Dify.Workflows.Tests.Dsl;

/// <summary>Export then import gives back the same document, for every real sample.</summary>
public sealed class DslRoundTripTests
{
    private readonly DslImporter importer = new();
    private readonly DslExporter exporter = new();

    [Theory]
    [MemberData(nameof(DslSamples.Files), MemberType = typeof(DslSamples))]
    public void Sample_survives_export_and_reimport(string file)
    {
        var folder = DslSamples.Folder();
        if (folder is null)
        {
            Console.WriteLine("dsl-samples folder not found; skipping");
            return;
        }
        var original = importer.ImportFile(Path.Combine(folder, file)).Document!;
        var yaml = exporter.Export(original);
        var again = importer.Import(yaml, file);

        Assert.True(again.Status == DslImportStatus.Completed, string.Join("\n", again.Problems));
        Assert.Equal("0.6.0", again.ImportedVersion);
        DslAssert.Equivalent(original, again.Document!);
        Assert.Equal(yaml, exporter.Export(again.Document!));
    }

    [Fact]
    public void Export_writes_sorted_keys_quoted_ids_and_raw_unicode()
    {
        var doc = importer.ImportOrThrow(DslTestFiles.Minimal, "min.yml");
        var yaml = exporter.Export(doc);
        Assert.StartsWith("app:\n  description: ''\n  icon: 🤖\n", yaml);
        Assert.Contains("\nkind: app\nversion: 0.6.0\nworkflow:\n", yaml);
        Assert.Contains("\n      id: 'start'\n", yaml);
        Assert.Contains("\n    - id: 'start-source-end-target'\n      source: 'start'\n      sourceHandle: 'source'\n", yaml);
        Assert.Contains("\n        - value_selector:\n          - start\n          - query\n", yaml);
        Assert.Contains("\n      x: 0\n      y: 0\n      zoom: 1\n", yaml);
        var keys = yaml.Split('\n').Where(l => l.Length > 0 && l[0] != ' ' && l[0] != '-').Select(l => l[..l.IndexOf(':')]).ToList();
        Assert.Equal(keys.Order(StringComparer.Ordinal), keys);
    }

    [Fact]
    public void Strings_that_look_like_other_types_are_quoted_and_come_back_as_strings()
    {
        var doc = importer.ImportOrThrow(DslTestFiles.Minimal, "min.yml");
        var start = doc.Graph!.Nodes.Single(n => n.Type == "start");
        string[] tricky = ["true", "no", "On", "null", "~", "", "123", "0x1F", "017", "1.5", "1e5", "0o17", ".inf", "1:30",
            "a: b", "#x", "- y", "'q'", "\"d\"", "multi\nline", " lead", "trail ", "tab\there", "{x}", "<<", "emoji 🤖 中文"];
        var data = start.Data.DeepClone().AsObject();
        data["tricky"] = new JsonArray(tricky.Select(t => (JsonNode?)t).ToArray());
        data["numbers"] = new JsonArray(1, -2, 1.5, 1e20, 0.1, double.PositiveInfinity, long.MaxValue, true, null);
        var changed = doc with { Graph = doc.Graph with { Nodes = doc.Graph.Nodes.Select(n => n == start ? n with { Data = data } : n).ToList() } };

        var again = importer.ImportOrThrow(exporter.Export(changed), "again.yml");
        var back = again.Graph!.Nodes.Single(n => n.Type == "start").Data;
        Assert.Equal(tricky, back["tricky"]!.AsArray().Select(t => t!.GetValue<string>()));
        var numbers = back["numbers"]!.AsArray();
        Assert.Equal(1L, numbers[0]!.GetValue<long>());
        Assert.Equal(-2L, numbers[1]!.GetValue<long>());
        Assert.Equal(1.5, numbers[2]!.GetValue<double>());
        Assert.Equal(1e20, numbers[3]!.GetValue<double>());
        Assert.Equal(0.1, numbers[4]!.GetValue<double>());
        Assert.Equal(double.PositiveInfinity, numbers[5]!.GetValue<double>());
        Assert.Equal(long.MaxValue, numbers[6]!.GetValue<long>());
        Assert.True(numbers[7]!.GetValue<bool>());
        Assert.Null(numbers[8]);
    }

    [Fact]
    public void Secrets_are_blanked_unless_asked_for()
    {
        var doc = importer.ImportOrThrow(DslTestFiles.WithSecret, "secret.yml");
        Assert.Equal("sk-123", doc.EnvironmentVariables.Single(v => v.Name == "api_key").Value!.GetValue<string>());

        var blanked = importer.ImportOrThrow(exporter.Export(doc), "out.yml");
        Assert.Equal("", blanked.EnvironmentVariables.Single(v => v.Name == "api_key").Value!.GetValue<string>());
        Assert.Equal("https://x", blanked.EnvironmentVariables.Single(v => v.Name == "base").Value!.GetValue<string>());

        var kept = importer.ImportOrThrow(exporter.Export(doc, includeSecrets: true), "out.yml");
        Assert.Equal("sk-123", kept.EnvironmentVariables.Single(v => v.Name == "api_key").Value!.GetValue<string>());
    }

    [Fact]
    public void Chat_app_exports_its_model_config()
    {
        var doc = importer.ImportOrThrow(DslTestFiles.ChatApp, "chat.yml");
        Assert.Null(doc.Graph);
        var again = importer.ImportOrThrow(exporter.Export(doc), "chat.yml");
        Assert.Equal(AppMode.Chat, again.App.Mode);
        Assert.True(JsonNode.DeepEquals(doc.ModelConfig, again.ModelConfig));
    }
}
