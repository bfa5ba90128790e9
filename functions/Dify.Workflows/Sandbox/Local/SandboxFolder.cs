namespace Dify.Workflows.Sandbox.Local;

/// <summary>
/// The sandbox's private folder (mode 0700): the worker scripts, extracted from embedded resources,
/// and one scratch folder per worker process, the only place user code may write.
/// </summary>
internal sealed class SandboxFolder : IDisposable
{
    public const string PythonWorker = "python_worker.py";
    public const string NodeWorker = "node_worker.js";
    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    public string Root { get; }
    public string ScriptsDir { get; }

    public SandboxFolder(string? parent)
    {
        parent ??= Path.GetTempPath();
        Root = Path.Combine(parent, "dify-sandbox-" + Guid.NewGuid().ToString("N"));
        CreatePrivate(Root);
        ScriptsDir = CreatePrivate(Path.Combine(Root, "bin"));
        foreach (var name in new[] { PythonWorker, NodeWorker })
        {
            using var resource = typeof(SandboxFolder).Assembly.GetManifestResourceStream("Dify.Workflows.Sandbox." + name)
                ?? throw new InvalidOperationException($"embedded worker script {name} is missing from {typeof(SandboxFolder).Assembly.GetName().Name}");
            using var file = File.Create(ScriptPath(name));
            resource.CopyTo(file);
        }
    }

    public string ScriptPath(string name) => Path.Combine(ScriptsDir, name);

    public string CreateScratch(string name) => CreatePrivate(Path.Combine(Root, name));

    private static string CreatePrivate(string path) => OperatingSystem.IsWindows()
        ? Directory.CreateDirectory(path).FullName // the workers need Linux anyway (rlimits, unshare)
        : Directory.CreateDirectory(path, Private).FullName;

    public static void DeleteQuietly(string path)
    {
        try
        {
            if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    public void Dispose() => DeleteQuietly(Root);
}
