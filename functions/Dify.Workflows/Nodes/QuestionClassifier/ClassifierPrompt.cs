using System.Text.Json.Nodes;
using Dify.Models.Chat;
using Dify.Workflows.Values;

namespace Dify.Workflows.Nodes.QuestionClassifier;

/// <summary>
/// The classification prompt: a system message that asks for one JSON object {keywords, category_id,
/// category_name}, one worked example, then the input as JSON (the same shape Dify uses, in our own words).
/// </summary>
internal static class ClassifierPrompt
{
    private const string System = """
        ### Job
        You are a text classification engine. Read the input text and decide which one of the given categories it belongs to. Follow the classification instructions when there are any.
        ### Answer format
        Answer with one JSON object and nothing else, no markdown:
        {"keywords": ["up to five keywords taken from the input"], "category_id": "the id of the chosen category", "category_name": "the name of the chosen category"}
        The category_id must be exactly one of the category ids you are given.
        ### Memory
        The conversation so far between the human and the assistant, inside <histories></histories> tags:
        <histories>
        {histories}
        </histories>
        """;

    private const string ExampleInput = """
        {"input_text": ["The blue shirt I ordered last week arrived torn and nobody answers my emails."], "categories": [{"category_id": "c1", "category_name": "Complaint"}, {"category_id": "c2", "category_name": "Praise"}], "classification_instructions": ["Classify by the customer's sentiment."]}
        """;

    private const string ExampleAnswer = """
        {"keywords": ["shirt", "arrived torn", "no answer"], "category_id": "c1", "category_name": "Complaint"}
        """;

    public static List<ChatMessage> Build(string query, IReadOnlyList<ClassifierClass> classes, string instruction, string histories)
    {
        var input = new JsonObject
        {
            ["input_text"] = new JsonArray(query),
            ["categories"] = new JsonArray(classes.Select(c => (JsonNode?)new JsonObject { ["category_id"] = c.Id, ["category_name"] = c.Name }).ToArray()),
            ["classification_instructions"] = new JsonArray(instruction),
        };
        return
        [
            ChatMessage.FromText(ChatRole.System, System.Replace("{histories}", histories, StringComparison.Ordinal)),
            ChatMessage.FromText(ChatRole.User, ExampleInput.Trim()),
            ChatMessage.FromText(ChatRole.Assistant, ExampleAnswer.Trim()),
            ChatMessage.FromText(ChatRole.User, ValueText.PythonJson(input)),
        ];
    }
}
