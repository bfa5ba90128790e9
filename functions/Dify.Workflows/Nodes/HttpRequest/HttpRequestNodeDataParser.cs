using System.Text.Json.Nodes;
using Dify.Workflows.Variables;

namespace Dify.Workflows.Nodes.HttpRequest;

/// <summary>Reads http-request node data the way Dify's pydantic model accepts it, naming bad fields.</summary>
internal static class HttpRequestNodeDataParser
{
    private static readonly HashSet<string> Methods = ["get", "post", "put", "patch", "delete", "head", "options"];
    private static readonly HashSet<string> BodyTypes = ["none", "form-data", "x-www-form-urlencoded", "raw-text", "json", "binary"];

    public static HttpRequestNodeData Parse(NodeDataReader reader)
    {
        var method = reader.String("method", required: true) ?? "get";
        // Dify accepts "get" and "GET" only; mixed case is rare, accepting it costs nothing.
        if (!Methods.Contains(method.ToLowerInvariant()))
            reader.Problem("method", $"must be one of {string.Join(", ", Methods)}, got '{method}'");
        var url = reader.String("url", required: true) ?? "";

        return new HttpRequestNodeData(
            method.ToLowerInvariant(),
            url,
            ParseAuthorization(reader),
            reader.String("headers") ?? "",
            reader.String("params") ?? "",
            ParseBody(reader),
            ParseTimeout(reader),
            reader.Data["ssl_verify"] is null ? null : reader.Bool("ssl_verify", true),
            FailsOnErrorStatus(reader.Data));
    }

    /// <summary>Dify: `not response.is_success and (self.error_strategy or self.retry)`.</summary>
    private static bool FailsOnErrorStatus(JsonObject data)
    {
        var strategy = data["error_strategy"]?.ToString();
        if (!string.IsNullOrEmpty(strategy) && strategy != "none") return true;
        return data["retry_config"] is JsonObject retry && NodeDataReader.Bool(retry, "retry_enabled");
    }

    private static HttpAuthorization ParseAuthorization(NodeDataReader reader)
    {
        var auth = reader.Object("authorization");
        if (auth is null) return HttpAuthorization.None;
        var type = reader.String(auth, "type", true, "authorization.type") ?? "no-auth";
        if (type == "no-auth") return HttpAuthorization.None;
        if (type != "api-key")
        {
            reader.Problem("authorization.type", $"must be no-auth or api-key, got '{type}'");
            return HttpAuthorization.None;
        }
        if (auth["config"] is not JsonObject config)
        {
            reader.Problem("authorization.config", "config should be a dict");
            return HttpAuthorization.None;
        }
        var keyType = reader.String(config, "type", true, "authorization.config.type");
        if (keyType is not null and not ("basic" or "bearer" or "custom"))
            reader.Problem("authorization.config.type", $"must be basic, bearer or custom, got '{keyType}'");
        return new HttpAuthorization("api-key", keyType, reader.String(config, "api_key", false, "authorization.config.api_key") ?? "",
            reader.String(config, "header", false, "authorization.config.header"));
    }

    private static HttpBody? ParseBody(NodeDataReader reader)
    {
        var body = reader.Object("body");
        if (body is null) return null;
        var type = reader.String(body, "type", true, "body.type") ?? "none";
        if (!BodyTypes.Contains(type))
        {
            reader.Problem("body.type", $"must be one of {string.Join(", ", BodyTypes)}, got '{type}'");
            type = "none";
        }
        var items = new List<HttpBodyItem>();
        switch (body["data"])
        {
            case null: break;
            // Old DSLs stored the body as one string; Dify turns it into one text item.
            case JsonValue v: 
                var text = NodeDataReader.ScalarString(v);
                if (text.Length > 0) items.Add(new HttpBodyItem("", "text", text, null));
                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    var path = $"body.data[{i}]";
                    if (array[i] is not JsonObject item) { reader.Problem(path, "must be an object"); continue; }
                    var itemType = reader.String(item, "type", false, path + ".type") ?? "text";
                    if (itemType is not ("text" or "file")) reader.Problem(path + ".type", $"must be text or file, got '{itemType}'");
                    Selector? file = null;
                    if (itemType == "file" || type == "binary")
                        file = reader.Selector(item, "file", type == "binary" || itemType == "file", path + ".file");
                    items.Add(new HttpBodyItem(reader.String(item, "key", false, path + ".key") ?? "", itemType,
                        reader.String(item, "value", false, path + ".value") ?? "", file));
                }
                break;
            default:
                reader.Problem("body.data", "must be a list");
                break;
        }
        return new HttpBody(type, items);
    }

    private static HttpTimeouts ParseTimeout(NodeDataReader reader)
    {
        var t = reader.Object("timeout");
        return new HttpTimeouts(Seconds(reader, t, "connect"), Seconds(reader, t, "read"), Seconds(reader, t, "write"));
    }

    private static int? Seconds(NodeDataReader reader, JsonObject? timeout, string key)
    {
        // NodeDataReader.Double cannot read numbers built in code (JsonValue<int>); JSON text always reads.
        var value = timeout?[key] is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.Number
            ? double.Parse(v.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture)
            : reader.Double(timeout, key, null, "timeout." + key);
        if (value is null || value.Value <= 0) return null; // 0 or missing → default
        return (int)Math.Min(value.Value, int.MaxValue / 1000);
    }
}
