using System.Runtime.InteropServices;

namespace Dify.Host.Composition;

/// <summary>
/// glibc gives each thread that allocates natively (SQLite page caches, TLS, sockets) its own malloc arena, up to
/// 8 per core, and freed memory stays spread over them: under a few hundred streaming clients that alone is tens
/// of MiB of resident memory. Two arenas keep the host's footprint small at no measurable cost to its throughput.
/// An operator's own MALLOC_ARENA_MAX wins; other C libraries (musl) are left alone.
/// </summary>
internal static class NativeHeap
{
    private const int ArenaMaxOption = -8; // M_ARENA_MAX in malloc.h
    private const int Arenas = 2;

    public static void LimitArenas()
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable("MALLOC_ARENA_MAX") is { Length: > 0 }) return;
        try
        {
            _ = mallopt(ArenaMaxOption, Arenas);
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            // Not glibc: nothing to tune.
        }
    }

    [DllImport("libc", EntryPoint = "mallopt")]
    private static extern int mallopt(int param, int value);
}
