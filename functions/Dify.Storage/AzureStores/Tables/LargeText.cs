using Dify.Storage.Azure.Tables;

namespace Dify.Storage.AzureStores.Tables;

/// <summary>
/// Strings longer than a table property allows (64 KiB = 32K UTF-16 chars) are split over
/// <c>Name</c>, <c>Name_1</c>, <c>Name_2</c>, … with the part count in <c>Name_n</c>. An entity holds
/// at most 1 MiB, so callers keep really large values elsewhere (blobs).
/// </summary>
internal static class LargeText
{
    public const int PartChars = 32_000;

    public static void Set(TableEntity entity, string name, string? value)
    {
        if (value is null) return;
        if (value.Length <= PartChars)
        {
            entity[name] = value;
            return;
        }
        var parts = (value.Length + PartChars - 1) / PartChars;
        for (var i = 0; i < parts; i++)
        {
            entity[i == 0 ? name : $"{name}_{i}"] = value.Substring(i * PartChars, Math.Min(PartChars, value.Length - i * PartChars));
        }
        entity[name + "_n"] = parts;
    }

    public static string? Get(TableEntity entity, string name)
    {
        var first = entity.GetString(name);
        if (first is null) return null;
        var parts = entity.GetInt32(name + "_n") ?? 1;
        if (parts == 1) return first;
        return string.Concat(Enumerable.Range(0, parts).Select(i => i == 0 ? first : entity.GetString($"{name}_{i}")));
    }
}
