using System.Globalization;
using System.Text.RegularExpressions;

namespace Dify.Workflows.Dsl;

/// <summary>
/// DSL version handling as Dify's <c>check_version_compatibility</c>: versions are parsed the PEP 440 way
/// (Python's <c>packaging.version</c>) and compared with the version this engine speaks.
/// </summary>
public static partial class DslVersion
{
    /// <summary>The DSL version we read and write (Dify main, 2026).</summary>
    public const string Current = "0.6.0";

    /// <summary>The status Dify gives a file of this version before any content checks.</summary>
    public static DslImportStatus Compatibility(string imported, string current = Current)
    {
        if (!TryParse(imported, out var importedVersion) || !TryParse(current, out var currentVersion)) return DslImportStatus.Failed;
        return Compare(importedVersion, currentVersion);
    }

    private static DslImportStatus Compare(ParsedVersion importedVersion, ParsedVersion current)
    {
        if (importedVersion.CompareTo(current) > 0) return DslImportStatus.Pending;
        if (importedVersion.Major < current.Major) return DslImportStatus.Pending;
        if (importedVersion.Minor < current.Minor) return DslImportStatus.CompletedWithWarnings;
        return DslImportStatus.Completed;
    }

    [GeneratedRegex(@"^\s*v?(?:(?<epoch>[0-9]+)!)?(?<release>[0-9]+(?:\.[0-9]+)*)(?<pre>[-_.]?(?:a|b|c|rc|alpha|beta|pre|preview)[-_.]?[0-9]*)?(?<post>-[0-9]+|[-_.]?(?:post|rev|r)[-_.]?[0-9]*)?(?<dev>[-_.]?dev[-_.]?[0-9]*)?(?:\+[a-z0-9]+(?:[-_.][a-z0-9]+)*)?\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex Pep440();

    public static bool TryParse(string text, out ParsedVersion version)
    {
        version = default;
        var match = Pep440().Match(text);
        if (!match.Success) return false;
        var release = match.Groups["release"].Value.Split('.')
            .Select(part => long.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : long.MaxValue).ToArray();
        var epoch = match.Groups["epoch"].Success ? long.Parse(match.Groups["epoch"].Value, CultureInfo.InvariantCulture) : 0;
        // Order within one release: dev < pre-release < release < post-release.
        var phase = match.Groups["post"].Success ? 1 : match.Groups["pre"].Success ? -1 : match.Groups["dev"].Success ? -2 : 0;
        version = new ParsedVersion(epoch, release, phase);
        return true;
    }

    public readonly record struct ParsedVersion(long Epoch, long[] Release, int Phase) : IComparable<ParsedVersion>
    {
        public long Major => Release.Length > 0 ? Release[0] : 0;

        public long Minor => Release.Length > 1 ? Release[1] : 0;

        public int CompareTo(ParsedVersion other)
        {
            if (Epoch != other.Epoch) return Epoch.CompareTo(other.Epoch);
            for (var i = 0; i < Math.Max(Release.Length, other.Release.Length); i++)
            {
                var mine = i < Release.Length ? Release[i] : 0;
                var theirs = i < other.Release.Length ? other.Release[i] : 0;
                if (mine != theirs) return mine.CompareTo(theirs);
            }
            return Phase.CompareTo(other.Phase);
        }
    }
}
