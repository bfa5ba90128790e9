using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dify.Edge.Inference.Native;

/// <summary>
/// One loaded ONNX Runtime: the library, its API table, an <c>OrtEnv</c>, CPU memory info. Load once per process
/// (or per test) and share it between sessions; disposing it releases the environment once the last session using
/// it is gone.
/// </summary>
public sealed unsafe class OrtRuntime : IDisposable
{
    private readonly OrtNative native;

    private OrtRuntime(OrtNative native, string libraryPath, string version, EnvHandle env, nint allocator)
    {
        this.native = native;
        LibraryPath = libraryPath;
        Version = version;
        Env = env;
        DefaultAllocator = allocator;
    }

    /// <summary>Path (or name, for the system loader) the library was loaded from.</summary>
    public string LibraryPath { get; }

    /// <summary>ONNX Runtime's version string, e.g. "1.22.0".</summary>
    public string Version { get; }

    /// <summary>The <c>OrtApi</c> version requested (ORT_API_VERSION of the bound release).</summary>
    public uint ApiVersion => OrtApiSlots.ApiVersion;

    /// <summary>ORT objects (sessions, values, options, ...) created through this runtime and not yet released.</summary>
    public long LiveHandles => native.Ledger.Live;

    /// <summary>ORT objects released so far.</summary>
    public long ReleasedHandles => native.Ledger.TotalReleased;

    internal OrtApi Api => native.Api;

    internal OrtNative Native => native;

    internal EnvHandle Env { get; }

    /// <summary>ORT's default CPU allocator (process-wide, never released).</summary>
    internal nint DefaultAllocator { get; }

    public static OrtRuntime Load(InferenceOptions options, ILogger? logger = null) =>
        Load(options, Environment.GetEnvironmentVariable, logger);

    internal static OrtRuntime Load(InferenceOptions options, Func<string, string?> environment, ILogger? logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        logger ??= NullLogger.Instance;
        var (libraryPointer, path, source) = OrtLibraryLocator.Load(options.RuntimePath, environment);
        var library = new LibraryHandle(libraryPointer);
        try
        {
            if (!NativeLibrary.TryGetExport(libraryPointer, "OrtGetApiBase", out var getApiBase))
            {
                throw new EntryPointNotFoundException($"{path} does not export OrtGetApiBase: not an ONNX Runtime library");
            }

            // struct OrtApiBase { const OrtApi* (*GetApi)(uint32_t); const char* (*GetVersionString)(void); }
            var apiBase = (nint*)((delegate* unmanaged<nint>)getApiBase)();
            var getApi = (delegate* unmanaged<uint, void**>)apiBase[0];
            var getVersion = (delegate* unmanaged<byte*>)apiBase[1];
            var version = Utf8.Read(getVersion()) ?? "unknown";
            var table = getApi(OrtApiSlots.ApiVersion);
            if (table == null)
            {
                throw new NotSupportedException(
                    $"ONNX Runtime {version} at {path} does not provide API version {OrtApiSlots.ApiVersion}; ONNX Runtime 1.22 or later is required.");
            }

            var native = new OrtNative(library, new OrtApi(table));
            nint allocator;
            native.Api.Check(native.Api.GetAllocatorWithDefaultOptions(&allocator));
            var env = CreateEnv(native);
            logger.LogInformation("Loaded ONNX Runtime {OrtVersion} (API {OrtApiVersion}) from {OrtLibraryPath} via {OrtLibrarySource}",
                version, OrtApiSlots.ApiVersion, path, source);
            return new OrtRuntime(native, path, version, env, allocator);
        }
        catch
        {
            library.Dispose();
            throw;
        }
    }

    /// <summary>Execution providers compiled into the loaded library (e.g. CPUExecutionProvider).</summary>
    public IReadOnlyList<string> GetAvailableProviders()
    {
        byte** names;
        int count;
        Api.Check(Api.GetAvailableProviders(&names, &count));
        try
        {
            var result = new string[count];
            for (var i = 0; i < count; i++)
            {
                result[i] = Utf8.Read(names[i]) ?? string.Empty;
            }

            return result;
        }
        finally
        {
            Api.Check(Api.ReleaseAvailableProviders(names, count));
        }
    }

    /// <summary>Builds the exception ORT itself would report for (code, message): a round trip through OrtStatus.</summary>
    internal OnnxRuntimeException RoundTripStatus(OrtErrorCode code, string message)
    {
        fixed (byte* text = Utf8.NullTerminated(message))
        {
            return Api.TakeError(Api.CreateStatus((int)code, text));
        }
    }

    public void Dispose()
    {
        Env.Dispose();
        // The library stays loaded while sessions or values created through this runtime are alive (ref counts).
        native.Library.Dispose();
    }

    private static EnvHandle CreateEnv(OrtNative native)
    {
        var env = new EnvHandle(native);
        nint pointer;
        fixed (byte* logId = "dify-edge"u8)
        {
            native.Api.Check(native.Api.CreateEnv((int)OrtLoggingLevel.Warning, logId, &pointer));
        }

        env.Attach(pointer);
        return env;
    }
}
