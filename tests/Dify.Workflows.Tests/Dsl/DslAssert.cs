using System.Text.Json.Nodes;
using Dify.Workflows.Dsl;

namespace Dify.Workflows.Tests.Dsl;

internal static class DslAssert
{
    /// <summary>Same app, variables, nodes (id, type, title, parent, data) and edges.</summary>
    public static void Equivalent(DslDocument expected, DslDocument actual)
    {
        Assert.Equal(expected.App, actual.App);
        Assert.Equal(expected.EnvironmentVariables.Select(v => (v.Id, v.Name, v.ValueType, v.Value?.ToJsonString())),
            actual.EnvironmentVariables.Select(v => (v.Id, v.Name, v.ValueType, v.Value?.ToJsonString())));
        Assert.Equal(expected.ConversationVariables.Select(v => (v.Id, v.Name, v.ValueType, v.Value?.ToJsonString())),
            actual.ConversationVariables.Select(v => (v.Id, v.Name, v.ValueType, v.Value?.ToJsonString())));
        Assert.True(JsonNode.DeepEquals(expected.Features, actual.Features), "features differ");
        Assert.True(JsonNode.DeepEquals(expected.Dependencies, actual.Dependencies), "dependencies differ");
        var (a, b) = (expected.Graph!, actual.Graph!);
        Assert.Equal(a.Nodes.Select(n => (n.Id, n.Type, n.Title, n.ParentId)), b.Nodes.Select(n => (n.Id, n.Type, n.Title, n.ParentId)));
        foreach (var (x, y) in a.Nodes.Zip(b.Nodes))
            Assert.True(JsonNode.DeepEquals(x.Data, y.Data), $"data of node {x.Id} differs:\n{x.Data.ToJsonString()}\n{y.Data.ToJsonString()}");
        Assert.Equal(a.Edges.Select(e => (e.Id, e.Source, e.SourceHandle, e.Target, e.TargetHandle)),
            b.Edges.Select(e => (e.Id, e.Source, e.SourceHandle, e.Target, e.TargetHandle)));
    }
}
