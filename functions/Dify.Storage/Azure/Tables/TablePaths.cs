namespace Dify.Storage.Azure.Tables;

/// <summary>
/// URL paths of the Table service. Keys are OData string literals inside the path: quotes doubled,
/// then percent-escaped. '/', '\\', '#', '?' and control characters are not allowed in keys.
/// </summary>
internal static class TablePaths
{
    public const string Tables = "Tables";

    public static string Table(string table)
    {
        ValidateTableName(table);
        return table;
    }

    public static string TableResource(string table) => $"Tables('{Table(table)}')";

    public static string Entity(string table, string partitionKey, string rowKey) =>
        $"{Table(table)}(PartitionKey='{Key(partitionKey, nameof(partitionKey))}',RowKey='{Key(rowKey, nameof(rowKey))}')";

    private static string Key(string key, string parameter)
    {
        ArgumentNullException.ThrowIfNull(key, parameter);
        foreach (var c in key)
        {
            if (c is '/' or '\\' or '#' or '?' || char.IsControl(c))
            {
                throw new ArgumentException("Table keys may not contain '/', '\\', '#', '?' or control characters.", parameter);
            }
        }
        return Uri.EscapeDataString(key.Replace("'", "''", StringComparison.Ordinal));
    }

    /// <summary>3-63 letters and digits, starting with a letter (the service's rule).</summary>
    private static void ValidateTableName(string table)
    {
        ArgumentException.ThrowIfNullOrEmpty(table);
        if (table.Length is < 3 or > 63 || !char.IsAsciiLetter(table[0]) || !table.All(char.IsAsciiLetterOrDigit))
        {
            throw new ArgumentException($"Table name '{table}' must be 3-63 ASCII letters or digits, starting with a letter.", nameof(table));
        }
    }
}
