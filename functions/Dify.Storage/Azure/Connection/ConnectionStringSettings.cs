namespace Dify.Storage.Azure.Connection;

/// <summary>Splits <c>Key=Value;Key=Value</c> (keys case-insensitive; values may contain '=').</summary>
internal static class ConnectionStringSettings
{
    public static Dictionary<string, string> Split(string connectionString)
    {
        var settings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new FormatException("Connection string settings must look like Key=Value.");
            }
            var key = part[..eq].Trim();
            if (!settings.TryAdd(key, part[(eq + 1)..].Trim()))
            {
                throw new FormatException($"Setting '{key}' appears twice in the connection string.");
            }
        }
        return settings;
    }
}
