using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dify.Workflows.Nodes;

namespace Dify.Workflows.Engine.Definition;

public enum ErrorStrategy { None, FailBranch, DefaultValue }

/// <summary>retry_config: interval in milliseconds, as Dify stores it.</summary>
public sealed record RetryConfig(bool Enabled, int MaxRetries, int IntervalMs)
{
    public static RetryConfig Disabled { get; } = new(false, 0, 0);
}

/// <summary>A node's error_strategy, default_value outputs and retry_config (DIFY-SPEC §2.20).</summary>
public sealed record NodeErrorPolicy(ErrorStrategy Strategy, JsonObject DefaultOutputs, RetryConfig Retry)
{
    public static NodeErrorPolicy Parse(NodeDataReader reader)
    {
        var strategy = reader.String("error_strategy") switch
        {
            null or "" or "none" => ErrorStrategy.None,
            "fail-branch" => ErrorStrategy.FailBranch,
            "default-value" => ErrorStrategy.DefaultValue,
            var other => Invalid(reader, other),
        };
        var defaults = new JsonObject();
        if (strategy == ErrorStrategy.DefaultValue)
        {
            var items = reader.Array("default_value");
            for (var i = 0; i < items.Count; i++)
            {
                if (items[i] is not JsonObject o) continue;
                var key = reader.String(o, "key", true, $"default_value[{i}].key");
                if (key is null) continue;
                defaults[key] = TypedDefault(reader, o["type"]?.ToString() ?? "string", o["value"], $"default_value[{i}].value");
            }
        }
        RetryConfig retry = RetryConfig.Disabled;
        if (reader.Data["retry_config"] is JsonObject rc)
            retry = new RetryConfig(
                NodeDataReader.Bool(rc, "retry_enabled"),
                Math.Max(0, reader.Int(rc, "max_retries", 0, "retry_config.max_retries")),
                Math.Max(0, reader.Int(rc, "retry_interval", 0, "retry_config.retry_interval")));
        return new NodeErrorPolicy(strategy, defaults, retry);
    }

    private static ErrorStrategy Invalid(NodeDataReader reader, string value)
    {
        reader.Problem("error_strategy", $"must be 'fail-branch' or 'default-value', got '{value}'");
        return ErrorStrategy.None;
    }

    /// <summary>default_value values come as strings in exports; parse them to their declared type.</summary>
    private static JsonNode? TypedDefault(NodeDataReader reader, string type, JsonNode? value, string path)
    {
        if (value is not JsonValue v || v.GetValueKind() != JsonValueKind.String) return value?.DeepClone();
        var text = v.GetValue<string>();
        switch (type)
        {
            case "string": return text;
            case "number":
                if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l)) return l;
                if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)) return d;
                reader.Problem(path, $"'{text}' is not a number");
                return null;
            default:
                if (text.Length == 0) return type.StartsWith("array", StringComparison.Ordinal) ? new JsonArray() : null;
                try { return JsonNode.Parse(text); }
                catch (JsonException) { reader.Problem(path, $"is not valid JSON for type {type}"); return null; }
        }
    }
}
