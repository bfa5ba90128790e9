using System.Text.Json;
using System.Text.Json.Nodes;
using Dify.Workflows.Dsl.Yaml;
using YamlDotNet.Core;

namespace Dify.Workflows.Dsl;

/// <summary>
/// Turns file text into a JSON tree. JSON is valid YAML, but a JSON file is parsed as JSON so that its
/// errors speak JSON (line and column of the bad token) and its numbers keep their exact text.
/// </summary>
internal static class DslSourceReader
{
    private static readonly JsonNodeOptions NodeOptions = new() { PropertyNameCaseInsensitive = false };
    private static readonly JsonDocumentOptions DocumentOptions = new() { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip };

    /// <summary>The root node, or false with an error added to <paramref name="problems"/>.</summary>
    public static bool TryRead(string content, DslProblemList problems, out JsonNode? root)
    {
        var text = content.TrimStart('\uFEFF');
        var looksJson = problems.File.EndsWith(".json", StringComparison.OrdinalIgnoreCase) || text.TrimStart().StartsWith('{');
        if (looksJson)
        {
            if (TryReadJson(text, out root, out var jsonError)) return true;
            // A YAML flow mapping also starts with '{'; only a .json file is held to strict JSON.
            if (problems.File.EndsWith(".json", StringComparison.OrdinalIgnoreCase) || !TryReadYaml(text, out root, out _))
            {
                problems.Error(null, null, jsonError!);
                return false;
            }
            return true;
        }
        if (TryReadYaml(text, out root, out var yamlError)) return true;
        problems.Error(null, null, yamlError!);
        return false;
    }

    private static bool TryReadJson(string text, out JsonNode? root, out string? error)
    {
        try
        {
            root = JsonNode.Parse(text, NodeOptions, DocumentOptions);
            error = null;
            return true;
        }
        catch (JsonException e)
        {
            root = null;
            var line = (e.LineNumber ?? 0) + 1;
            var column = (e.BytePositionInLine ?? 0) + 1;
            error = $"invalid JSON at line {line}, column {column}: {FirstSentence(e.Message)}";
            return false;
        }
    }

    private static bool TryReadYaml(string text, out JsonNode? root, out string? error)
    {
        try
        {
            root = YamlJsonReader.Read(text);
            error = null;
            return true;
        }
        catch (YamlException e)
        {
            root = null;
            var message = e.InnerException is YamlException inner ? inner.Message : e.Message;
            error = $"invalid YAML at line {e.Start.Line}, column {e.Start.Column}: {StripMark(message)}";
            return false;
        }
    }

    // System.Text.Json appends "Path: $ | LineNumber: 0 | BytePositionInLine: 3." which we report ourselves.
    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }

    // YamlDotNet prefixes "(Line: 3, Col: 5, Idx: 20) - (Line: 3, Col: 6, Idx: 21): ".
    private static string StripMark(string message)
    {
        var cut = message.IndexOf("): ", StringComparison.Ordinal);
        return message.StartsWith("(Line", StringComparison.Ordinal) && cut > 0 ? message[(cut + 3)..] : message;
    }
}
