using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Dify.Models.Chat;

namespace Dify.Workflows.Nodes.ParameterExtractor;

/// <summary>
/// The extraction prompts, in the spirit of Dify's: function_call mode asks the model to call the
/// extract_parameters tool; prompt mode asks for a bare JSON object matching the schema.
/// </summary>
internal static class ExtractorPrompts
{
    public const string ToolName = "extract_parameters";
    public const string ToolDescription = "Extract parameters from the natural language text";

    private const string FunctionCallSystem = """
        You extract structured information from text. Call the function extract_parameters exactly once, with the values found in the text.
        ### Rules
        - Use only information present in the text or the conversation; never invent values.
        - Leave out a parameter that the text does not give, unless it is required.
        - Give every value the type the function's schema declares.
        ### Instructions from the user
        <instructions>
        {instruction}
        </instructions>
        ### Memory
        The conversation so far between the human and the assistant, inside <histories></histories> tags:
        <histories>
        {histories}
        </histories>
        """;

    private const string PromptSystem = """
        You extract structured information from text and answer with JSON only.
        ### Output structure
        Answer with one JSON object that follows this JSON schema, and nothing else (no prose, no markdown):
        <structure>
        {structure}
        </structure>
        ### Rules
        - Use only information present in the text or the conversation; never invent values.
        - Leave out a parameter that the text does not give, unless it is required.
        - Give every value the type the schema declares.
        ### Instructions from the user
        <instructions>
        {instruction}
        </instructions>
        ### Memory
        The conversation so far between the human and the assistant, inside <histories></histories> tags:
        <histories>
        {histories}
        </histories>
        """;

    public static ChatTool Tool(JsonObject schema) => new(ToolName, ToolDescription, schema);

    public static List<ChatMessage> FunctionCall(string query, string instruction, string histories) =>
    [
        ChatMessage.FromText(ChatRole.System, Fill(FunctionCallSystem, instruction, histories, "")),
        ChatMessage.FromText(ChatRole.User, Text(query)),
    ];

    public static List<ChatMessage> Prompt(string query, string instruction, string histories, JsonObject schema) =>
    [
        ChatMessage.FromText(ChatRole.System, Fill(PromptSystem, instruction, histories, schema.ToJsonString())),
        ChatMessage.FromText(ChatRole.User, Text(query)),
    ];

    private static string Text(string query) => "### Text to extract the parameters from\n<text>\n" + query + "\n</text>";

    // One pass, so text the user wrote (instruction, history) is never itself treated as a placeholder.
    private static string Fill(string template, string instruction, string histories, string structure) =>
        Regex.Replace(template, @"\{(instruction|histories|structure)\}", m => m.Groups[1].Value switch
        {
            "instruction" => instruction,
            "histories" => histories,
            _ => structure,
        });
}
