namespace Dify.Edge.Link.Hub;

/// <summary>
/// <c>HostName=...;DeviceId=...;ModuleId=...;SharedAccessKey=...[;SharedAccessKeyName=...][;GatewayHostName=...]</c>.
/// <see cref="ToString"/> leaves the key out.
/// </summary>
public sealed record IotHubConnectionString(
    string HostName,
    string DeviceId,
    string? ModuleId,
    string SharedAccessKey,
    string? SharedAccessKeyName,
    string? GatewayHostName)
{
    public static IotHubConnectionString Parse(string connectionString)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        var parts = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var segment in connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = segment.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new FormatException($"Connection string segment '{segment.Split('=')[0]}' has no value.");
            }
            // A base64 key may end in '=': only the first '=' separates name and value.
            parts[segment[..equals]] = segment[(equals + 1)..];
        }
        string Required(string name) =>
            parts.TryGetValue(name, out var value) && value.Length > 0 ? value : throw new FormatException($"The connection string has no {name}.");
        var key = Required("SharedAccessKey");
        try
        {
            Convert.FromBase64String(key);
        }
        catch (FormatException)
        {
            throw new FormatException("SharedAccessKey is not base64.");
        }
        return new IotHubConnectionString(
            Required("HostName"),
            Required("DeviceId"),
            parts.GetValueOrDefault("ModuleId"),
            key,
            parts.GetValueOrDefault("SharedAccessKeyName"),
            parts.GetValueOrDefault("GatewayHostName"));
    }

    public override string ToString() =>
        $"HostName={HostName};DeviceId={DeviceId}{(ModuleId is null ? "" : ";ModuleId=" + ModuleId)};SharedAccessKey=***";
}
