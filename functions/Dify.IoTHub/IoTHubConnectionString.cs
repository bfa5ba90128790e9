namespace Dify.IoTHub;

/// <summary>A service connection string: <c>HostName=…;SharedAccessKeyName=…;SharedAccessKey=…</c>. <see cref="ToString"/> never shows the key.</summary>
public sealed class IoTHubConnectionString
{
    private IoTHubConnectionString(string hostName, string keyName, string key)
    {
        HostName = hostName;
        SharedAccessKeyName = keyName;
        SharedAccessKey = key;
    }

    public string HostName { get; }
    public string SharedAccessKeyName { get; }
    internal string SharedAccessKey { get; }

    public static IoTHubConnectionString Parse(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var parts = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var segment in connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = segment.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0) throw new FormatException("An IoT Hub connection string is a list of Name=Value pairs separated by ';'.");
            parts[segment[..eq].Trim()] = segment[(eq + 1)..].Trim();
        }
        string Require(string name) => parts.TryGetValue(name, out var value) && value.Length > 0
            ? value
            : throw new FormatException($"The IoT Hub connection string has no {name}.");
        var key = Require("SharedAccessKey");
        try
        {
            Convert.FromBase64String(key);
        }
        catch (FormatException)
        {
            throw new FormatException("The IoT Hub connection string's SharedAccessKey is not base64.");
        }
        return new IoTHubConnectionString(Require("HostName"), Require("SharedAccessKeyName"), key);
    }

    public override string ToString() => $"HostName={HostName};SharedAccessKeyName={SharedAccessKeyName};SharedAccessKey=***";
}
