using System.Globalization;
using System.Text;
using Dify.Storage.Azure.Tables;

namespace Dify.Storage.AzureStores.Tables;

/// <summary>
/// Key building: user-supplied values are escaped so they never contain the characters the Table
/// service forbids in keys, nor our separator <c>|</c> (so a prefix scan of <c>m|a|</c> never meets <c>m|a|b</c>'s rows).
/// </summary>
internal static class TableKeys
{
    public const char Separator = '|';

    /// <summary>'/', '\\', '#', '?', '%', '|' and control characters become <c>%XX</c>; everything else stays.</summary>
    public static string Escape(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!value.Any(NeedsEscape)) return value;
        var text = new StringBuilder(value.Length + 8);
        foreach (var c in value)
        {
            if (NeedsEscape(c)) text.Append('%').Append(((int)c).ToString("X2", CultureInfo.InvariantCulture));
            else text.Append(c);
        }
        return text.ToString();
    }

    /// <summary>Escaped parts joined by <see cref="Separator"/>.</summary>
    public static string Join(params string[] parts) => string.Join(Separator, parts.Select(Escape));

    /// <summary>Descending time as an ascending key: newer instants sort first.</summary>
    public static string NewestFirst(DateTimeOffset at) => (DateTime.MaxValue.Ticks - at.UtcTicks).ToString("D19", CultureInfo.InvariantCulture);

    /// <summary>A non-negative number as a fixed-width key (ascending).</summary>
    public static string Number(long value) => value.ToString("D19", CultureInfo.InvariantCulture);

    /// <summary>A filter for the rows of <paramref name="partitionKey"/> whose row key starts with <paramref name="prefix"/>.</summary>
    public static string PrefixFilter(string partitionKey, string prefix) =>
        $"{TableFilter.Equal("PartitionKey", partitionKey)} and RowKey ge {TableFilter.Literal(prefix)} and RowKey lt {TableFilter.Literal(Successor(prefix))}";

    /// <summary>The first string after every string starting with <paramref name="prefix"/>.</summary>
    public static string Successor(string prefix) => prefix[..^1] + (char)(prefix[^1] + 1);

    private static bool NeedsEscape(char c) => c is '/' or '\\' or '#' or '?' or '%' or Separator || char.IsControl(c);
}
