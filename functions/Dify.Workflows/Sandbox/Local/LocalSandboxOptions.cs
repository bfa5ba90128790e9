namespace Dify.Workflows.Sandbox.Local;

/// <summary>Settings for <see cref="LocalCodeSandbox"/>. Defaults suit a single host running many workflows.</summary>
public sealed class LocalSandboxOptions
{
    /// <summary>Python interpreter for python3 and jinja2 (needs the jinja2 package). The system one, not a pyenv shim.</summary>
    public string PythonPath { get; set; } = "/usr/bin/python3";

    /// <summary>Node.js executable for javascript; a bare name is looked up on the host's PATH once.</summary>
    public string NodePath { get; set; } = "node";

    /// <summary>Warm worker processes per language, started on first use.</summary>
    public int WorkersPerLanguage { get; set; } = 2;

    /// <summary>Wall-clock limit of one call. On expiry the worker is killed and replaced.</summary>
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a new worker may take to report ready.</summary>
    public TimeSpan StartupTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Python: RLIMIT_AS of the worker. Node: --max-old-space-size.</summary>
    public int MemoryLimitMiB { get; set; } = 512;

    /// <summary>Largest result accepted, measured as UTF-8 JSON.</summary>
    public int MaxOutputBytes { get; set; } = 1024 * 1024;

    /// <summary>Largest request (code plus JSON inputs, UTF-8) sent to a worker.</summary>
    public int MaxInputBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>User print/console output kept per call (characters) for debug logs.</summary>
    public int MaxCapturedOutputChars { get; set; } = 64 * 1024;

    /// <summary>
    /// A worker is replaced after this many calls (0 = never). Workers are shared between calls, so
    /// recycling bounds how long anything a call leaves behind in the interpreter can live.
    /// </summary>
    public int MaxCallsPerWorker { get; set; } = 1000;

    /// <summary>Run workers in a fresh network namespace via `unshare --net --map-root-user` when the host allows it.</summary>
    public bool UseNetworkNamespace { get; set; } = true;

    /// <summary>Folder under which the sandbox makes its private folder (scripts, scratch). Null: the system temp folder.</summary>
    public string? WorkRoot { get; set; }

    internal void Validate()
    {
        if (WorkersPerLanguage < 1) throw new ArgumentOutOfRangeException(nameof(WorkersPerLanguage), "must be at least 1");
        if (CallTimeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(CallTimeout), "must be positive");
        if (StartupTimeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(StartupTimeout), "must be positive");
        if (MemoryLimitMiB < 64) throw new ArgumentOutOfRangeException(nameof(MemoryLimitMiB), "must be at least 64");
        if (MaxOutputBytes < 1) throw new ArgumentOutOfRangeException(nameof(MaxOutputBytes), "must be positive");
        if (MaxInputBytes < 1) throw new ArgumentOutOfRangeException(nameof(MaxInputBytes), "must be positive");
        if (MaxCapturedOutputChars < 0) throw new ArgumentOutOfRangeException(nameof(MaxCapturedOutputChars), "must not be negative");
        if (MaxCallsPerWorker < 0) throw new ArgumentOutOfRangeException(nameof(MaxCallsPerWorker), "must not be negative");
    }
}
