using System.Globalization;

namespace Dify.Storage.Azure.Tables;

/// <summary>Builds safe OData filter text: literals are quoted and escaped per type.</summary>
public static class TableFilter
{
    /// <summary>An OData literal: <c>'it''s'</c>, <c>42</c>, <c>42L</c>, <c>1.5</c>, <c>true</c>, <c>datetime'…'</c>, <c>guid'…'</c>, <c>X'0a0b'</c>.</summary>
    public static string Literal(object value) => value switch
    {
        string s => "'" + s.Replace("'", "''", StringComparison.Ordinal) + "'",
        int i => i.ToString(CultureInfo.InvariantCulture),
        long l => l.ToString(CultureInfo.InvariantCulture) + "L",
        double d => d.ToString("R", CultureInfo.InvariantCulture) is var text && text.AsSpan().IndexOfAny('.', 'E') < 0 ? text + ".0" : d.ToString("R", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        DateTimeOffset dto => "datetime'" + dto.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture) + "'",
        DateTime dt => Literal(new DateTimeOffset(dt.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(dt, DateTimeKind.Utc) : dt.ToUniversalTime())),
        Guid g => "guid'" + g.ToString("D") + "'",
        byte[] bytes => "X'" + Convert.ToHexStringLower(bytes) + "'",
        _ => throw new ArgumentException($"No OData literal for {value.GetType().Name}.", nameof(value)),
    };

    /// <summary><c>{property} eq {literal}</c>.</summary>
    public static string Equal(string property, object value) => $"{property} eq {Literal(value)}";
}
