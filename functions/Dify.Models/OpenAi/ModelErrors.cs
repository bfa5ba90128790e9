using System.ClientModel;
using System.Net.Sockets;
using System.Text.Json;
using Dify.Models.Chat;

namespace Dify.Models.OpenAi;

/// <summary>Turns SDK, network, timeout and parsing failures into <see cref="ModelProviderException"/>.</summary>
internal static class ModelErrors
{
    private const int MaxDetailLength = 500;

    /// <summary>False for caller cancellation (rethrown as is) and for exceptions already translated.</summary>
    public static bool ShouldTranslate(Exception ex, CancellationToken cancellationToken) =>
        ex is not ModelProviderException && !(ex is OperationCanceledException && cancellationToken.IsCancellationRequested);

    public static ModelProviderException Translate(Exception ex, string provider, double timeoutSeconds) => ex switch
    {
        ClientResultException { Status: > 0 } result => new ModelProviderException(
            provider, $"Model provider '{provider}' returned {result.Status}: {Detail(result)}", result.Status, ex),
        ClientResultException or HttpRequestException or IOException or SocketException => new ModelProviderException(
            provider, $"Model provider '{provider}' could not be reached: {Innermost(ex).Message}", null, ex),
        OperationCanceledException => new ModelProviderException(
            provider, $"Model provider '{provider}' timed out after {timeoutSeconds:0.###}s.", 408, ex),
        JsonException or FormatException or InvalidOperationException or KeyNotFoundException or ArgumentException => new ModelProviderException(
            provider, $"Model provider '{provider}' returned an invalid answer: {ex.Message}", null, ex),
        _ => new ModelProviderException(provider, $"Model provider '{provider}' failed: {ex.Message}", null, ex),
    };

    /// <summary>The OpenAI error envelope's message when there is one, else the start of the body or the reason phrase.</summary>
    private static string Detail(ClientResultException ex)
    {
        var response = ex.GetRawResponse();
        var body = TryReadBody(response);
        if (!string.IsNullOrWhiteSpace(body))
        {
            try
            {
                using var document = JsonDocument.Parse(body);
                if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("error", out var error))
                {
                    if (error.ValueKind == JsonValueKind.Object && error.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String)
                    {
                        return Truncate(message.GetString()!);
                    }

                    if (error.ValueKind == JsonValueKind.String)
                    {
                        return Truncate(error.GetString()!);
                    }
                }
            }
            catch (JsonException)
            {
                // Not JSON: show the text.
            }

            return Truncate(body.Trim());
        }

        return string.IsNullOrEmpty(response?.ReasonPhrase) ? "(no details)" : response.ReasonPhrase;
    }

    private static string? TryReadBody(System.ClientModel.Primitives.PipelineResponse? response)
    {
        try
        {
            return response?.Content?.ToString();
        }
        catch (InvalidOperationException)
        {
            return null; // streamed content not buffered
        }
    }

    private static string Truncate(string text) => text.Length <= MaxDetailLength ? text : text[..MaxDetailLength] + "…";

    private static Exception Innermost(Exception ex)
    {
        while (ex.InnerException is not null)
        {
            ex = ex.InnerException;
        }

        return ex;
    }
}
