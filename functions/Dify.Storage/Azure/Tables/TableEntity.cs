using System.Collections;
using Azure;

namespace Dify.Storage.Azure.Tables;

/// <summary>
/// One table row: <see cref="PartitionKey"/>, <see cref="RowKey"/> and typed properties. Property values are
/// <see cref="string"/>, <see cref="int"/>, <see cref="long"/>, <see cref="double"/>, <see cref="bool"/>,
/// <see cref="DateTimeOffset"/>, <see cref="Guid"/> or <see cref="byte"/>[], and come back from the service as the
/// same type. A <see cref="DateTime"/> is accepted and stored as a UTC <see cref="DateTimeOffset"/>.
/// Setting a property to null removes it (the service has no null values).
/// </summary>
public sealed class TableEntity : IEnumerable<KeyValuePair<string, object>>
{
    private readonly Dictionary<string, object> _properties = new(StringComparer.Ordinal);

    public TableEntity(string partitionKey, string rowKey)
    {
        PartitionKey = partitionKey;
        RowKey = rowKey;
    }

    public string PartitionKey { get; set; }
    public string RowKey { get; set; }

    /// <summary>Set by reads and writes; pass to conditional updates and deletes.</summary>
    public ETag ETag { get; set; }

    /// <summary>Service-maintained modification time (read-only on the service side).</summary>
    public DateTimeOffset? Timestamp { get; set; }

    public int Count => _properties.Count;

    public IEnumerable<string> Keys => _properties.Keys;

    public object? this[string name]
    {
        get => _properties.TryGetValue(name, out var value) ? value : null;
        set
        {
            CheckName(name);
            if (value is null)
            {
                _properties.Remove(name);
            }
            else
            {
                _properties[name] = Normalize(name, value);
            }
        }
    }

    /// <summary>For collection initializers: <c>new TableEntity("p", "r") { { "Name", "x" } }</c>.</summary>
    public void Add(string name, object value)
    {
        CheckName(name);
        ArgumentNullException.ThrowIfNull(value);
        _properties.Add(name, Normalize(name, value));
    }

    public bool Remove(string name) => _properties.Remove(name);

    public bool ContainsKey(string name) => _properties.ContainsKey(name);

    public bool TryGetValue(string name, out object? value)
    {
        var found = _properties.TryGetValue(name, out var stored);
        value = stored;
        return found;
    }

    public string? GetString(string name) => GetReference<string>(name);
    public int? GetInt32(string name) => GetValue<int>(name);
    public long? GetInt64(string name) => GetValue<long>(name);
    public double? GetDouble(string name) => GetValue<double>(name);
    public bool? GetBoolean(string name) => GetValue<bool>(name);
    public DateTimeOffset? GetDateTimeOffset(string name) => GetValue<DateTimeOffset>(name);
    public Guid? GetGuid(string name) => GetValue<Guid>(name);
    public byte[]? GetBinary(string name) => GetReference<byte[]>(name);

    public IEnumerator<KeyValuePair<string, object>> GetEnumerator() => _properties.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Reads without the checks of the indexer (values come from the service already typed).</summary>
    internal void SetRaw(string name, object value) => _properties[name] = value;

    private T? GetValue<T>(string name) where T : struct => _properties.TryGetValue(name, out var value)
        ? value is T typed ? typed : throw WrongType<T>(name, value)
        : null;

    private T? GetReference<T>(string name) where T : class => _properties.TryGetValue(name, out var value)
        ? value as T ?? throw WrongType<T>(name, value)
        : null;

    private static InvalidCastException WrongType<T>(string name, object value) =>
        new($"Property '{name}' is {value.GetType().Name}, not {typeof(T).Name}.");

    private static void CheckName(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (name is "PartitionKey" or "RowKey" or "Timestamp" || name.StartsWith("odata.", StringComparison.Ordinal) || name.Contains('@', StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{name}' is a system or annotation name; use the PartitionKey/RowKey/Timestamp members.", nameof(name));
        }
    }

    private static object Normalize(string name, object value) => value switch
    {
        string or int or long or double or bool or Guid or byte[] => value,
        DateTimeOffset dto => dto.ToUniversalTime(),
        DateTime dt => new DateTimeOffset(dt.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(dt, DateTimeKind.Utc) : dt.ToUniversalTime()),
        BinaryData data => data.ToArray(),
        _ => throw new ArgumentException($"Property '{name}' has unsupported type {value.GetType().Name}.", nameof(value)),
    };
}
