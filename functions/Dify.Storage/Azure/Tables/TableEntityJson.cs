using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Azure;

namespace Dify.Storage.Azure.Tables;

/// <summary>
/// OData JSON for entities. Writing annotates every type JSON cannot carry on its own
/// (<c>Edm.Int64</c> as a string, <c>Edm.Double</c>, <c>Edm.DateTime</c>, <c>Edm.Guid</c>, <c>Edm.Binary</c>).
/// Reading honours <c>@odata.type</c>; without one, a JSON number with a fraction or exponent is a double
/// (the service writes whole doubles as <c>1.0</c>) and any other number an Int32.
/// </summary>
internal static class TableEntityJson
{
    private const string TypeSuffix = "@odata.type";
    private const string DateFormat = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    public static byte[] Write(TableEntity entity)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("PartitionKey", entity.PartitionKey);
            writer.WriteString("RowKey", entity.RowKey);
            foreach (var (name, value) in entity)
            {
                WriteProperty(writer, name, value);
            }
            writer.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteProperty(Utf8JsonWriter writer, string name, object value)
    {
        switch (value)
        {
            case string s:
                writer.WriteString(name, s);
                break;
            case int i:
                writer.WriteNumber(name, i);
                break;
            case bool b:
                writer.WriteBoolean(name, b);
                break;
            case long l:
                writer.WriteString(name + TypeSuffix, "Edm.Int64");
                writer.WriteString(name, l.ToString(CultureInfo.InvariantCulture));
                break;
            case double d:
                writer.WriteString(name + TypeSuffix, "Edm.Double");
                if (double.IsNaN(d)) writer.WriteString(name, "NaN");
                else if (double.IsPositiveInfinity(d)) writer.WriteString(name, "Infinity");
                else if (double.IsNegativeInfinity(d)) writer.WriteString(name, "-Infinity");
                else writer.WriteNumber(name, d);
                break;
            case DateTimeOffset dto:
                writer.WriteString(name + TypeSuffix, "Edm.DateTime");
                writer.WriteString(name, dto.UtcDateTime.ToString(DateFormat, CultureInfo.InvariantCulture));
                break;
            case Guid g:
                writer.WriteString(name + TypeSuffix, "Edm.Guid");
                writer.WriteString(name, g.ToString("D"));
                break;
            case byte[] bytes:
                writer.WriteString(name + TypeSuffix, "Edm.Binary");
                writer.WriteBase64String(name, bytes);
                break;
            default:
                throw new ArgumentException($"Property '{name}' has unsupported type {value.GetType().Name}.");
        }
    }

    public static TableEntity Read(JsonElement element)
    {
        var partitionKey = element.TryGetProperty("PartitionKey", out var pk) ? pk.GetString() ?? "" : "";
        var rowKey = element.TryGetProperty("RowKey", out var rk) ? rk.GetString() ?? "" : "";
        var entity = new TableEntity(partitionKey, rowKey);
        foreach (var property in element.EnumerateObject())
        {
            var name = property.Name;
            switch (name)
            {
                case "PartitionKey" or "RowKey":
                    continue;
                case "Timestamp":
                    entity.Timestamp = ParseDate(property.Value.GetString());
                    continue;
                case "odata.etag":
                    entity.ETag = new ETag(property.Value.GetString() ?? "");
                    continue;
            }
            if (name.StartsWith("odata.", StringComparison.Ordinal) || name.Contains('@', StringComparison.Ordinal))
            {
                continue;
            }
            var type = element.TryGetProperty(name + TypeSuffix, out var t) ? t.GetString() : null;
            if (ReadValue(property.Value, type) is { } value)
            {
                entity.SetRaw(name, value);
            }
        }
        return entity;
    }

    private static object? ReadValue(JsonElement value, string? edmType)
    {
        switch (edmType)
        {
            case "Edm.Int64":
                return value.ValueKind == JsonValueKind.String ? long.Parse(value.GetString()!, CultureInfo.InvariantCulture) : value.GetInt64();
            case "Edm.Int32":
                return value.GetInt32();
            case "Edm.Double":
                return value.ValueKind == JsonValueKind.String
                    ? value.GetString() switch
                    {
                        "NaN" => double.NaN,
                        "Infinity" => double.PositiveInfinity,
                        "-Infinity" => double.NegativeInfinity,
                        var text => double.Parse(text!, CultureInfo.InvariantCulture),
                    }
                    : value.GetDouble();
            case "Edm.DateTime":
                return ParseDate(value.GetString());
            case "Edm.Guid":
                return Guid.Parse(value.GetString()!);
            case "Edm.Binary":
                return value.GetBytesFromBase64();
            case "Edm.Boolean":
                return value.GetBoolean();
            case "Edm.String":
                return value.GetString();
        }
        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Number when value.GetRawText().AsSpan().IndexOfAny('.', 'e', 'E') >= 0 => value.GetDouble(),
            JsonValueKind.Number when value.TryGetInt32(out var i) => i,
            JsonValueKind.Number => value.GetDouble(),
            _ => null,
        };
    }

    private static DateTimeOffset? ParseDate(string? text) =>
        text is null ? null : DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
}
