namespace Dify.Infra.Tests.Bicep;

/// <summary>A Bicep entry file and every local module it reaches, loaded once.</summary>
public sealed class BicepTree
{
    private readonly Dictionary<string, BicepFile> _files = new(StringComparer.Ordinal);

    public BicepTree(string entryPath)
    {
        Entry = Load(System.IO.Path.GetFullPath(entryPath))
            ?? throw new FileNotFoundException("Bicep entry file not found", entryPath);
    }

    public BicepFile Entry { get; }

    public IReadOnlyCollection<BicepFile> Files => _files.Values;

    /// <summary>Problems met while loading: module paths that do not exist.</summary>
    public List<string> LoadProblems { get; } = [];

    /// <summary>The file a module of <paramref name="owner"/> points to, or null (registry modules, missing files).</summary>
    public BicepFile? Target(BicepFile owner, BicepModule module)
    {
        if (IsRegistryModule(module.Path))
            return null;
        var path = System.IO.Path.GetFullPath(System.IO.Path.Combine(System.IO.Path.GetDirectoryName(owner.Path)!, module.Path));
        return _files.GetValueOrDefault(path);
    }

    private static bool IsRegistryModule(string path) => path.StartsWith("br:", StringComparison.Ordinal)
        || path.StartsWith("br/", StringComparison.Ordinal) || path.StartsWith("ts:", StringComparison.Ordinal)
        || path.StartsWith("ts/", StringComparison.Ordinal);

    private BicepFile? Load(string path)
    {
        if (_files.TryGetValue(path, out var loaded))
            return loaded;
        if (!File.Exists(path))
            return null;
        var file = BicepFile.Load(path);
        _files[path] = file;
        foreach (var module in file.Modules)
        {
            if (IsRegistryModule(module.Path))
                continue;
            var target = System.IO.Path.GetFullPath(System.IO.Path.Combine(System.IO.Path.GetDirectoryName(path)!, module.Path));
            if (Load(target) is null)
                LoadProblems.Add($"{Name(file)}: module '{module.Symbol}' points to missing file '{module.Path}'");
        }
        return file;
    }

    public static string Name(BicepFile file) => System.IO.Path.GetFileName(file.Path);
}
