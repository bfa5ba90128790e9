using System.Text.Json.Nodes;
using Dify.Workflows.Nodes.Llm;
using Dify.Workflows.Variables;

namespace Dify.Workflows.Nodes.QuestionClassifier;

public sealed record ClassifierClass(string Id, string Name, string? Label);

public sealed record QuestionClassifierNodeData(
    Selector Query,
    LlmModelConfig Model,
    IReadOnlyList<ClassifierClass> Classes,
    VariableTemplate Instruction,
    MemoryConfig? Memory,
    VisionConfig Vision)
{
    internal static QuestionClassifierNodeData Parse(NodeDataReader reader)
    {
        var query = reader.Selector("query_variable_selector", required: true) ?? new Selector(VariablePool.SystemNode, "query");
        var model = LlmModelConfig.Parse(reader, reader.Object("model", required: true), "model");
        var classes = new List<ClassifierClass>();
        var items = reader.Array("classes", required: true);
        for (var i = 0; i < items.Count; i++)
        {
            var path = $"classes[{i}]";
            if (items[i] is not JsonObject c) { reader.Problem(path, "must be an object"); continue; }
            var id = reader.String(c, "id", true, path + ".id");
            if (string.IsNullOrEmpty(id)) continue;
            if (classes.Any(x => x.Id == id)) reader.Problem(path + ".id", $"duplicates class id '{id}'");
            classes.Add(new ClassifierClass(id, reader.String(c, "name", false, path + ".name") ?? "", reader.String(c, "label", false, path + ".label")));
        }
        if (classes.Count == 0 && items.Count == 0 && reader.Raw("classes") is not null) reader.Problem("classes", "needs at least one class");

        var vision = reader.Object("vision");
        var configs = vision?["configs"] as JsonObject;
        return new QuestionClassifierNodeData(
            query, model, classes,
            VariableTemplate.Parse(reader.String("instruction") ?? ""),
            MemoryConfig.Parse(reader),
            new VisionConfig(
                NodeDataReader.Bool(vision, "enabled"),
                reader.Selector(configs, "variable_selector", false, "vision.configs.variable_selector") ?? new Selector(VariablePool.SystemNode, "files"),
                reader.String(configs, "detail", false, "vision.configs.detail")));
    }
}
