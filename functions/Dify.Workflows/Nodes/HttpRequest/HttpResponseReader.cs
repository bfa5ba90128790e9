using System.Text.Json.Nodes;
using Dify.Workflows.Files;

namespace Dify.Workflows.Nodes.HttpRequest;

/// <summary>
/// Streams a response body under Dify's limits: the first KiB decides text or file, then the body may
/// grow to the text (1 MiB) or binary (10 MiB) limit and not a byte further. Every read must make
/// progress within the read timeout (httpx's read timeout is per read, not per response).
/// </summary>
internal static class HttpResponseReader
{
    private const int SampleBytes = 1024;

    public static async Task<HttpResponseData> ReadAsync(
        HttpResponseMessage response, HttpRequestNodeOptions options, TimeSpan readTimeout, CancellationTokenSource timer, CancellationToken cancellationToken)
    {
        var headers = CollectHeaders(response);
        var contentType = headers["content-type"]?.ToString() ?? "";
        var disposition = response.Content.Headers.ContentDisposition;
        var dispositionFilename = (disposition?.FileNameStar ?? disposition?.FileName)?.Trim('"');
        var dispositionMarksFile = disposition is not null
            && (disposition.DispositionType.Equals("attachment", StringComparison.OrdinalIgnoreCase) || dispositionFilename is not null);

        using var buffer = new MemoryStream();
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        var chunk = new byte[81920];
        bool? isFile = null;
        long limit = long.MaxValue;
        while (true)
        {
            timer.CancelAfter(readTimeout);
            var read = await body.ReadAsync(chunk, timer.Token).ConfigureAwait(false);
            if (read > 0) buffer.Write(chunk, 0, read);
            if (isFile is null && (buffer.Length >= SampleBytes || read == 0))
            {
                var sample = buffer.GetBuffer().AsSpan(0, (int)Math.Min(buffer.Length, SampleBytes));
                isFile = HttpResponseData.JudgeIsFile(contentType, dispositionMarksFile, sample);
                limit = isFile.Value ? options.MaxBinaryBytes : options.MaxTextBytes;
            }
            if (buffer.Length > limit) throw TooLarge(isFile!.Value, limit, response.Content.Headers.ContentLength);
            if (read == 0) break;
        }

        return new HttpResponseData
        {
            StatusCode = (int)response.StatusCode,
            Headers = headers,
            Content = buffer.ToArray(),
            IsFile = isFile ?? false,
            ContentType = contentType,
            DispositionFilename = dispositionFilename,
        };
    }

    private static NodeExecutionException TooLarge(bool isFile, long limit, long? declared)
    {
        var current = declared is > 0 ? BoundedCopy.Readable(declared.Value) : "more than " + BoundedCopy.Readable(limit);
        return HttpErrors.ResponseSize(
            $"{(isFile ? "File" : "Text")} size is too large, max size is {(limit / 1024.0 / 1024.0).ToString("0.00", System.Globalization.CultureInfo.InvariantCulture)} MB, but current size is {current}.");
    }

    private static JsonObject CollectHeaders(HttpResponseMessage response)
    {
        var headers = new JsonObject();
        void Add(System.Net.Http.Headers.HttpHeaders source)
        {
            foreach (var (name, values) in source.NonValidated)
            {
                var key = name.ToLowerInvariant();
                var joined = string.Join(", ", values);
                headers[key] = headers[key] is { } existing ? existing + ", " + joined : joined;
            }
        }
        Add(response.Headers);
        Add(response.Content.Headers);
        return headers;
    }
}
