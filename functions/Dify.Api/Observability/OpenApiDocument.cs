using System.Text.Json.Nodes;

namespace Dify.Api.Observability;

/// <summary>
/// <c>GET /openapi.json</c>: an OpenAPI 3.0 description of exactly the routes this host maps (a test
/// compares it with the endpoint table). Hand-built: the handlers read their bodies themselves, so
/// generated schemas would say nothing useful.
/// </summary>
public static class OpenApiDocument
{
    /// <summary>Method, route template (ASP.NET Core syntax = OpenAPI syntax here), summary, security ("app", "admin" or none), body kind.</summary>
    public sealed record Route(string Method, string Path, string Summary, string? Security, string? Body = null, bool Sse = false, int Success = 200);

    public static IReadOnlyList<Route> Routes { get; } =
    [
        new("POST", "/v1/workflows/run", "Run the workflow app (blocking JSON or streaming SSE)", "app", "json", Sse: true),
        new("POST", "/v1/workflows/{workflowId}/run", "Run a stored version of the workflow app", "app", "json", Sse: true),
        new("GET", "/v1/workflows/run/{runId}", "Get a workflow run", "app"),
        new("POST", "/v1/workflows/tasks/{taskId}/stop", "Stop a streaming workflow run", "app", "json"),
        new("GET", "/v1/workflows/logs", "List workflow runs", "app"),
        new("GET", "/v1/workflow/{runId}/events", "Replay and follow a run's events (SSE, resumable with Last-Event-ID)", "app", Sse: true),
        new("POST", "/v1/chat-messages", "Send a chat message", "app", "json", Sse: true),
        new("POST", "/v1/chat-messages/{taskId}/stop", "Stop a streaming chat message", "app", "json"),
        new("POST", "/v1/completion-messages", "Send a completion message", "app", "json", Sse: true),
        new("POST", "/v1/completion-messages/{taskId}/stop", "Stop a streaming completion message", "app", "json"),
        new("GET", "/v1/conversations", "List the user's conversations", "app"),
        new("GET", "/v1/messages", "List a conversation's messages", "app"),
        new("GET", "/v1/conversations/{conversationId}/variables", "List a conversation's variables", "app"),
        new("PUT", "/v1/conversations/{conversationId}/variables/{variableId}", "Set a conversation variable", "app", "json"),
        new("DELETE", "/v1/conversations/{conversationId}", "Delete a conversation", "app", Success: 204),
        new("POST", "/v1/conversations/{conversationId}/name", "Rename a conversation", "app", "json"),
        new("POST", "/v1/messages/{messageId}/feedbacks", "Rate a message", "app", "json"),
        new("GET", "/v1/messages/{messageId}/suggested", "Suggested next questions", "app"),
        new("POST", "/v1/files/upload", "Upload a file", "app", "multipart", Success: 201),
        new("GET", "/v1/files/{fileId}/preview", "Download an uploaded file", "app"),
        new("GET", "/files/{fileId}/file-preview", "Download an upload through its signed source_url (timestamp, nonce, sign; expires)", null),
        new("GET", "/v1/parameters", "App parameters and input form", "app"),
        new("GET", "/v1/info", "App name, description, mode", "app"),
        new("GET", "/v1/meta", "Tool icons", "app"),
        new("POST", "/console/api/apps/imports", "Import an app from DSL YAML", "admin", "json"),
        new("GET", "/console/api/apps", "List apps", "admin"),
        new("GET", "/console/api/apps/{appId}", "Get an app", "admin"),
        new("GET", "/console/api/apps/{appId}/export", "Export an app as DSL YAML", "admin"),
        new("DELETE", "/console/api/apps/{appId}", "Delete an app", "admin", Success: 204),
        new("POST", "/console/api/apps/{appId}/api-keys", "Create an app API key", "admin", Success: 201),
        new("GET", "/console/api/apps/{appId}/api-keys", "List an app's API keys", "admin"),
        new("DELETE", "/console/api/apps/{appId}/api-keys/{keyId}", "Delete an app API key", "admin", Success: 204),
        new("POST", "/console/api/datasets/api-keys", "Create a dataset API key", "admin"),
        new("GET", "/console/api/datasets/api-keys", "List dataset API keys", "admin"),
        new("DELETE", "/console/api/datasets/api-keys/{keyId}", "Delete a dataset API key", "admin", Success: 204),
        new("GET", "/console/api/edge/events", "List device events (device_id, module_id, limit, continuation)", "admin"),
        new("POST", "/console/api/edge/devices/{deviceId}/modules/{moduleId}/templates", "Publish an edge template (DSL validated first) to a device module", "admin", "json"),
        new("GET", "/console/api/edge/devices/{deviceId}/modules/{moduleId}/templates", "Templates a device module is asked to run and what it reports", "admin"),
        new("POST", "/v1/datasets", "Create a dataset", "dataset", "json"),
        new("GET", "/v1/datasets", "List datasets", "dataset"),
        new("GET", "/v1/datasets/{datasetId}", "Get a dataset", "dataset"),
        new("PATCH", "/v1/datasets/{datasetId}", "Update a dataset", "dataset", "json"),
        new("DELETE", "/v1/datasets/{datasetId}", "Delete a dataset", "dataset", Success: 204),
        new("POST", "/v1/datasets/{datasetId}/document/create-by-text", "Create a document from text", "dataset", "json"),
        new("POST", "/v1/datasets/{datasetId}/document/create_by_text", "Create a document from text (underscore spelling)", "dataset", "json"),
        new("POST", "/v1/datasets/{datasetId}/document/create-by-file", "Create a document from a file", "dataset", "multipart"),
        new("POST", "/v1/datasets/{datasetId}/document/create_by_file", "Create a document from a file (underscore spelling)", "dataset", "multipart"),
        new("POST", "/v1/datasets/{datasetId}/documents/{documentId}/update-by-text", "Replace a document's text", "dataset", "json"),
        new("POST", "/v1/datasets/{datasetId}/documents/{documentId}/update_by_text", "Replace a document's text (underscore spelling)", "dataset", "json"),
        new("POST", "/v1/datasets/{datasetId}/documents/{documentId}/update-by-file", "Replace a document's file", "dataset", "multipart"),
        new("POST", "/v1/datasets/{datasetId}/documents/{documentId}/update_by_file", "Replace a document's file (underscore spelling)", "dataset", "multipart"),
        new("GET", "/v1/datasets/{datasetId}/documents", "List documents", "dataset"),
        new("GET", "/v1/datasets/{datasetId}/documents/{documentId}", "Get a document", "dataset"),
        new("DELETE", "/v1/datasets/{datasetId}/documents/{documentId}", "Delete a document", "dataset", Success: 204),
        new("GET", "/v1/datasets/{datasetId}/documents/{batch}/indexing-status", "Indexing progress of a batch", "dataset"),
        new("PATCH", "/v1/datasets/{datasetId}/documents/status/{action}", "Enable, disable, archive or un_archive documents", "dataset", "json"),
        new("GET", "/v1/datasets/{datasetId}/documents/{documentId}/segments", "List segments", "dataset"),
        new("POST", "/v1/datasets/{datasetId}/documents/{documentId}/segments", "Add segments", "dataset", "json"),
        new("GET", "/v1/datasets/{datasetId}/documents/{documentId}/segments/{segmentId}", "Get a segment", "dataset"),
        new("POST", "/v1/datasets/{datasetId}/documents/{documentId}/segments/{segmentId}", "Update a segment", "dataset", "json"),
        new("PATCH", "/v1/datasets/{datasetId}/documents/{documentId}/segments/{segmentId}", "Update a segment", "dataset", "json"),
        new("DELETE", "/v1/datasets/{datasetId}/documents/{documentId}/segments/{segmentId}", "Delete a segment", "dataset", Success: 204),
        new("GET", "/v1/datasets/{datasetId}/documents/{documentId}/segments/{segmentId}/child_chunks", "List child chunks of a parent-child segment", "dataset"),
        new("POST", "/v1/datasets/{datasetId}/documents/{documentId}/segments/{segmentId}/child_chunks", "Add a child chunk", "dataset", "json"),
        new("PATCH", "/v1/datasets/{datasetId}/documents/{documentId}/segments/{segmentId}/child_chunks/{childChunkId}", "Update a child chunk", "dataset", "json"),
        new("DELETE", "/v1/datasets/{datasetId}/documents/{documentId}/segments/{segmentId}/child_chunks/{childChunkId}", "Delete a child chunk", "dataset", Success: 204),
        new("GET", "/v1/datasets/{datasetId}/metadata", "List metadata fields", "dataset"),
        new("POST", "/v1/datasets/{datasetId}/metadata", "Create a metadata field", "dataset", "json", Success: 201),
        new("PATCH", "/v1/datasets/{datasetId}/metadata/{metadataId}", "Rename a metadata field", "dataset", "json"),
        new("DELETE", "/v1/datasets/{datasetId}/metadata/{metadataId}", "Delete a metadata field", "dataset", Success: 204),
        new("GET", "/v1/datasets/{datasetId}/metadata/built-in", "List the built-in metadata fields", "dataset"),
        new("POST", "/v1/datasets/{datasetId}/metadata/built-in/{action}", "Enable or disable the built-in metadata fields", "dataset"),
        new("POST", "/v1/datasets/{datasetId}/documents/metadata", "Set documents' metadata values", "dataset", "json"),
        new("POST", "/v1/datasets/{datasetId}/retrieve", "Retrieve chunks", "dataset", "json"),
        new("GET", "/v1/datasets/tags", "List knowledge tags", "dataset"),
        new("POST", "/v1/datasets/tags", "Create a knowledge tag", "dataset", "json"),
        new("PATCH", "/v1/datasets/tags", "Rename a knowledge tag", "dataset", "json"),
        new("DELETE", "/v1/datasets/tags", "Delete a knowledge tag", "dataset", "json", Success: 204),
        new("POST", "/v1/datasets/tags/binding", "Bind tags to a dataset", "dataset", "json", Success: 204),
        new("POST", "/v1/datasets/tags/unbinding", "Unbind a tag from a dataset", "dataset", "json", Success: 204),
        new("GET", "/v1/datasets/{datasetId}/tags", "List a dataset's tags", "dataset"),
        new("GET", "/v1/workspaces/current/models/model-types/text-embedding", "List the embedding models datasets can use", "dataset"),
        new("POST", "/v1/datasets/{datasetId}/hit-testing", "Retrieve chunks (hit testing)", "dataset", "json"),
        new("GET", "/healthz", "Liveness", null),
        new("GET", "/metrics", "Prometheus metrics", null),
        new("GET", "/openapi.json", "This document", null),
    ];

    public static JsonObject Build(string version)
    {
        var paths = new JsonObject();
        foreach (var route in Routes)
        {
            var item = paths[route.Path] as JsonObject ?? new JsonObject();
            paths[route.Path] = item;
            item[route.Method.ToLowerInvariant()] = Operation(route);
        }
        var error = new JsonObject
        {
            ["type"] = "object",
            ["required"] = new JsonArray("code", "message", "status"),
            ["properties"] = new JsonObject
            {
                ["code"] = new JsonObject { ["type"] = "string" },
                ["message"] = new JsonObject { ["type"] = "string" },
                ["status"] = new JsonObject { ["type"] = "integer" },
            },
        };
        return new JsonObject
        {
            ["openapi"] = "3.0.3",
            ["info"] = new JsonObject { ["title"] = "Dify Functions Service API", ["version"] = version, ["description"] = "Dify-compatible Service API (/v1, app keys) and console subset (/console/api, admin key)." },
            ["paths"] = paths,
            ["components"] = new JsonObject
            {
                ["securitySchemes"] = new JsonObject
                {
                    ["app"] = new JsonObject { ["type"] = "http", ["scheme"] = "bearer", ["description"] = "App API key (app-...)" },
                    ["admin"] = new JsonObject { ["type"] = "http", ["scheme"] = "bearer", ["description"] = "Admin key" },
                    ["dataset"] = new JsonObject { ["type"] = "http", ["scheme"] = "bearer", ["description"] = "Dataset API key (dataset-...)" },
                },
                ["schemas"] = new JsonObject { ["Error"] = error },
            },
        };
    }

    private static JsonObject Operation(Route route)
    {
        var op = new JsonObject
        {
            ["summary"] = route.Summary,
            ["operationId"] = route.Method.ToLowerInvariant() + string.Concat(route.Path.Split('/', '{', '}', '-', '.', '_').Where(p => p.Length > 0).Select(p => char.ToUpperInvariant(p[0]) + p[1..])),
        };
        var parameters = new JsonArray();
        foreach (var segment in route.Path.Split('/').Where(s => s.StartsWith('{')))
            parameters.Add(new JsonObject { ["name"] = segment.Trim('{', '}'), ["in"] = "path", ["required"] = true, ["schema"] = new JsonObject { ["type"] = "string" } });
        if (parameters.Count > 0) op["parameters"] = parameters;
        if (route.Body == "json")
            op["requestBody"] = new JsonObject { ["required"] = true, ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = new JsonObject { ["type"] = "object" } } } };
        else if (route.Body == "multipart")
            op["requestBody"] = new JsonObject
            {
                ["required"] = true,
                ["content"] = new JsonObject
                {
                    ["multipart/form-data"] = new JsonObject
                    {
                        ["schema"] = new JsonObject
                        {
                            ["type"] = "object",
                            ["properties"] = new JsonObject { ["file"] = new JsonObject { ["type"] = "string", ["format"] = "binary" }, ["user"] = new JsonObject { ["type"] = "string" } },
                        },
                    },
                },
            };
        var content = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = new JsonObject { ["type"] = "object" } } };
        if (route.Sse) content["text/event-stream"] = new JsonObject { ["schema"] = new JsonObject { ["type"] = "string" } };
        var responses = new JsonObject
        {
            [route.Success.ToString(System.Globalization.CultureInfo.InvariantCulture)] = route.Success == 204
                ? new JsonObject { ["description"] = "No Content" }
                : new JsonObject { ["description"] = "OK", ["content"] = content },
        };
        if (route.Security is not null)
        {
            responses["default"] = new JsonObject
            {
                ["description"] = "Dify error envelope",
                ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = new JsonObject { ["$ref"] = "#/components/schemas/Error" } } },
            };
            op["security"] = new JsonArray(new JsonObject { [route.Security] = new JsonArray() });
        }
        op["responses"] = responses;
        return op;
    }
}
