using System.Net.Http.Headers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dify.Workflows.Files;
using Dify.Workflows.Values;
using Dify.Workflows.Variables;

namespace Dify.Workflows.Nodes.HttpRequest;

/// <summary>Renders a node's templates against the pool into a <see cref="PreparedHttpRequest"/> (Dify's Executor._initialize).</summary>
internal sealed class HttpRequestBuilder(IFileStorage files, HttpRequestNodeOptions options)
{
    private static readonly JsonSerializerOptions CompactJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly Dictionary<string, string> DefaultContentTypes = new()
    {
        ["json"] = "application/json",
        ["x-www-form-urlencoded"] = "application/x-www-form-urlencoded",
        ["raw-text"] = "text/plain",
    };

    public async Task<PreparedHttpRequest> BuildAsync(HttpRequestNodeData data, VariablePool pool, CancellationToken cancellationToken)
    {
        var apiKey = RenderApiKey(data.Authorization, pool);
        var url = BuildUrl(data, pool);
        var headers = ParseHeaders(VariableTemplate.RenderText(data.Headers, pool));
        var body = await BuildBodyAsync(data.Body, pool, cancellationToken).ConfigureAwait(false);

        string? secretHeader = null;
        if (apiKey is not null)
        {
            secretHeader = string.IsNullOrEmpty(data.Authorization.Header) ? "Authorization" : data.Authorization.Header;
            var value = data.Authorization.KeyType switch
            {
                "bearer" => "Bearer " + apiKey,
                "basic" => "Basic " + (apiKey.Contains(':') ? Convert.ToBase64String(Encoding.UTF8.GetBytes(apiKey)) : apiKey),
                _ => apiKey, // custom: the key as given, under the configured header
            };
            Set(headers, secretHeader, value);
        }
        if (data.Body?.Type == "form-data")
            headers.RemoveAll(h => h.Key.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)); // the multipart boundary must be ours
        else if (data.Body is { } b && DefaultContentTypes.TryGetValue(b.Type, out var contentType)
                 && !headers.Any(h => h.Key.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)))
            headers.Add(new("Content-Type", contentType));

        return new PreparedHttpRequest
        {
            Method = data.Method,
            Url = url,
            Headers = headers,
            CreateContent = body.Create,
            SecretHeader = secretHeader,
            LogBody = body.Log,
        };
    }

    private static string? RenderApiKey(HttpAuthorization auth, VariablePool pool)
    {
        if (auth.Type != "api-key") return null;
        var key = VariableTemplate.RenderText(auth.ApiKey, pool);
        if (string.IsNullOrWhiteSpace(key))
            throw HttpErrors.Authorization("API key is required for authorization but was empty. Please provide a valid API key.");
        return key;
    }

    private static Uri BuildUrl(HttpRequestNodeData data, VariablePool pool)
    {
        var url = VariableTemplate.RenderText(data.Url, pool).Trim();
        if (url.Length == 0) throw HttpErrors.InvalidUrl("url is required");
        if (!url.StartsWith("http://", StringComparison.Ordinal) && !url.StartsWith("https://", StringComparison.Ordinal))
            throw HttpErrors.InvalidUrl("url should start with http:// or https://");
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri)) throw HttpErrors.InvalidUrl($"Invalid URL: {url}");

        var extra = ParseParams(data.Params, pool);
        if (extra.Count == 0) return uri;
        // httpx merges params into the URL's query: a key given in params replaces the URL's values.
        var merged = ParseQuery(uri.Query).Where(p => !extra.Any(e => e.Key == p.Key)).Concat(extra);
        var builder = new UriBuilder(uri) { Query = string.Join('&', merged.Select(p => QuotePlus(p.Key) + "=" + QuotePlus(p.Value))) };
        return builder.Uri;
    }

    /// <summary>One "key: value" per line; each side templated separately; repeated keys kept (aa=1&amp;aa=2).</summary>
    private static List<KeyValuePair<string, string>> ParseParams(string text, VariablePool pool)
    {
        var result = new List<KeyValuePair<string, string>>();
        foreach (var raw in SplitLines(text))
        {
            var line = raw.Trim();
            if (line.Length == 0) continue;
            var colon = line.IndexOf(':');
            var key = (colon < 0 ? line : line[..colon]).Trim();
            if (key.Length == 0) continue;
            var value = colon < 0 ? "" : line[(colon + 1)..].Trim();
            result.Add(new(VariableTemplate.RenderText(key, pool), VariableTemplate.RenderText(value, pool)));
        }
        return result;
    }

    /// <summary>Rendered first, then split: "aa:bb", "aa:" and "aa" all work; the last line for a name wins.</summary>
    private static List<KeyValuePair<string, string>> ParseHeaders(string rendered)
    {
        var headers = new List<KeyValuePair<string, string>>();
        foreach (var line in SplitLines(rendered))
        {
            if (line.Trim().Length == 0) continue;
            var colon = line.IndexOf(':');
            var key = (colon < 0 ? line : line[..colon]).Trim();
            var value = colon < 0 ? "" : line[(colon + 1)..].Trim();
            if (key.Length > 0) Set(headers, key, value);
        }
        return headers;
    }

    private static void Set(List<KeyValuePair<string, string>> headers, string name, string value)
    {
        var index = headers.FindIndex(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase));
        if (index >= 0) headers[index] = new(name, value);
        else headers.Add(new(name, value));
    }

    private static IEnumerable<string> SplitLines(string text) => text.Replace("\r\n", "\n").Split('\n', '\r');

    private static IEnumerable<KeyValuePair<string, string>> ParseQuery(string query)
    {
        foreach (var part in query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=');
            var key = eq < 0 ? part : part[..eq];
            var value = eq < 0 ? "" : part[(eq + 1)..];
            yield return new(Uri.UnescapeDataString(key.Replace('+', ' ')), Uri.UnescapeDataString(value.Replace('+', ' ')));
        }
    }

    /// <summary>Python's urllib.parse.quote_plus.</summary>
    private static string QuotePlus(string s) => Uri.EscapeDataString(s).Replace("%20", "+");

    private sealed record Body(Func<HttpContent?> Create, string Log);

    private async Task<Body> BuildBodyAsync(HttpBody? body, VariablePool pool, CancellationToken cancellationToken)
    {
        if (body is null || body.Type == "none") return new Body(() => null, "");
        switch (body.Type)
        {
            case "raw-text":
            {
                var text = VariableTemplate.RenderText(Single(body).Value, pool);
                var bytes = Encoding.UTF8.GetBytes(text);
                return new Body(() => new ByteArrayContent(bytes), text);
            }
            case "json":
            {
                var text = VariableTemplate.RenderText(Single(body).Value, pool);
                if (!LenientJson.TryParse(text, out var json)) throw HttpErrors.Body($"Failed to parse JSON: {text}");
                var bytes = JsonSerializer.SerializeToUtf8Bytes(json, CompactJson);
                return new Body(() => new ByteArrayContent(bytes), text);
            }
            case "binary":
            {
                var item = Single(body);
                if (item.File is null || pool.Get(item.File) is not JsonObject file || !FileValue.IsFile(file))
                    throw HttpErrors.FileFetch($"cannot fetch file with selector {PythonList(item.File)}");
                var bytes = await ReadFileAsync(file, cancellationToken).ConfigureAwait(false);
                return new Body(() => new ByteArrayContent(bytes), "");
            }
            case "x-www-form-urlencoded":
            {
                var pairs = DictionaryOf(body.Data.Select(i => new KeyValuePair<string, string>(
                    VariableTemplate.RenderText(i.Key, pool), VariableTemplate.RenderText(i.Value, pool))));
                var log = string.Join('&', pairs.Select(p => QuotePlus(p.Key) + "=" + QuotePlus(p.Value)));
                return new Body(() => new FormUrlEncodedContent(pairs), log);
            }
            case "form-data":
                return await BuildMultipartAsync(body, pool, cancellationToken).ConfigureAwait(false);
            default:
                return new Body(() => null, "");
        }
    }

    private async Task<Body> BuildMultipartAsync(HttpBody body, VariablePool pool, CancellationToken cancellationToken)
    {
        var fields = DictionaryOf(body.Data.Where(i => i.Type == "text").Select(i => new KeyValuePair<string, string>(
            VariableTemplate.RenderText(i.Key, pool), VariableTemplate.RenderText(i.Value, pool))));
        var fileParts = new List<(string Key, string Name, string Mime, byte[] Bytes)>();
        foreach (var item in body.Data.Where(i => i.Type == "file" && i.File is not null))
        {
            var key = VariableTemplate.RenderText(item.Key, pool);
            var value = pool.Get(item.File!);
            var list = value switch
            {
                JsonObject f when FileValue.IsFile(f) => [f],
                JsonArray a => a.OfType<JsonObject>().Where(FileValue.IsFile).ToList(),
                _ => new List<JsonObject>(),
            };
            foreach (var file in list)
            {
                var bytes = await ReadFileAsync(file, cancellationToken).ConfigureAwait(false);
                fileParts.Add((key, FileValue.GetString(file, "name") ?? "file", FileValue.GetString(file, "mime_type") ?? "application/octet-stream", bytes));
            }
        }

        HttpContent Create()
        {
            var multipart = new MultipartFormDataContent();
            foreach (var (key, value) in fields)
            {
                // No Content-Type on text parts, like httpx: some servers read typed parts as files.
                var part = new ByteArrayContent(Encoding.UTF8.GetBytes(value));
                multipart.Add(part, Quote(key));
            }
            foreach (var (key, name, mime, bytes) in fileParts)
            {
                var part = new ByteArrayContent(bytes);
                part.Headers.ContentType = MediaTypeHeaderValue.TryParse(mime, out var m) ? m : new MediaTypeHeaderValue("application/octet-stream");
                multipart.Add(part, Quote(key), Quote(name));
            }
            return multipart;
        }

        var log = new StringBuilder();
        foreach (var (key, value) in fields) log.Append(key).Append(": ").Append(value).Append("\r\n");
        foreach (var (key, name, _, bytes) in fileParts) log.Append(key).Append(": <file ").Append(name).Append(", ").Append(bytes.Length).Append(" bytes>\r\n");
        return new Body(Create, log.ToString());
    }

    private static string Quote(string s) => "\"" + s.Replace("\"", "\\\"") + "\"";

    private async Task<byte[]> ReadFileAsync(JsonObject file, CancellationToken cancellationToken)
    {
        try
        {
            await using var stream = await files.OpenReadAsync(file, cancellationToken).ConfigureAwait(false);
            return await BoundedCopy.ReadAllAsync(stream, options.MaxRequestFileBytes,
                () => $"File '{FileValue.GetString(file, "name")}' is larger than {BoundedCopy.Readable(options.MaxRequestFileBytes)}.", cancellationToken).ConfigureAwait(false);
        }
        catch (FileStorageException e)
        {
            throw HttpErrors.FileFetch(e.Message);
        }
    }

    private static HttpBodyItem Single(HttpBody body) =>
        body.Data.Count == 1 ? body.Data[0] : throw HttpErrors.Body($"{body.Type} body type should have exactly one item");

    /// <summary>Python dict semantics: first position, last value.</summary>
    private static List<KeyValuePair<string, string>> DictionaryOf(IEnumerable<KeyValuePair<string, string>> pairs)
    {
        var list = new List<KeyValuePair<string, string>>();
        foreach (var p in pairs)
        {
            var i = list.FindIndex(x => x.Key == p.Key);
            if (i >= 0) list[i] = p; else list.Add(p);
        }
        return list;
    }

    private static string PythonList(Selector? selector) =>
        selector is null ? "[]" : "[" + string.Join(", ", selector.Parts.Select(p => "'" + p + "'")) + "]";
}
