using System.Globalization;
using System.Text.Json;

namespace Dify.Durable.Embedded;

/// <summary>
/// Identity of an activity input without storing it: a 64-bit FNV-1a hash of its JSON. Inputs are not persisted
/// (replay re-issues the calls), so this is what lets replay checks notice an input that changed.
/// </summary>
internal static class InputHash
{
    /// <summary>Null when the input cannot be serialised; then the input simply is not compared.</summary>
    public static string? Compute(object? input, JsonSerializerOptions options)
    {
        byte[] json;
        try
        {
            json = input is null ? "null"u8.ToArray() : JsonSerializer.SerializeToUtf8Bytes(input, input.GetType(), options);
        }
        catch (Exception e) when (e is NotSupportedException or InvalidOperationException or JsonException or ArgumentException)
        {
            return null;
        }
        var hash = 14695981039346656037UL;
        foreach (var b in json)
        {
            hash = (hash ^ b) * 1099511628211UL;
        }
        return hash.ToString("x16", CultureInfo.InvariantCulture);
    }
}
