using Microsoft.Extensions.Logging;

namespace Dify.Edge.Inference.Native;

/// <summary>Creates ORT sessions: session options (threads, optimisation level, execution provider) and the session.</summary>
internal static unsafe class SessionFactory
{
    /// <summary>Creates a session from a file path or from model bytes (exactly one of them).</summary>
    public static (SessionHandle Session, ExecutionProvider Provider) Create(
        OrtRuntime runtime, string? path, ReadOnlySpan<byte> model, InferenceOptions options, ILogger logger)
    {
        options.Validate();
        var provider = ExecutionProvider.Cpu;
        string? cudaError = null;
        using (var sessionOptions = CreateOptions(runtime, options))
        {
            if (options.ExecutionProvider == ExecutionProvider.Cuda)
            {
                try
                {
                    AppendCuda(runtime, sessionOptions, options.DeviceId);
                    provider = ExecutionProvider.Cuda;
                }
                catch (OnnxRuntimeException e)
                {
                    cudaError = e.Message;
                }
            }

            if (provider == ExecutionProvider.Cpu)
            {
                return (CreateSession(runtime, path, model, sessionOptions), LogFallback(logger, options, cudaError, ExecutionProvider.Cpu));
            }

            try
            {
                return (CreateSession(runtime, path, model, sessionOptions), ExecutionProvider.Cuda);
            }
            catch (OnnxRuntimeException e)
            {
                // The provider registered but could not start (driver, cuDNN...): retry on CPU below.
                cudaError = e.Message;
            }
        }

        using var cpuOptions = CreateOptions(runtime, options);
        return (CreateSession(runtime, path, model, cpuOptions), LogFallback(logger, options, cudaError, ExecutionProvider.Cpu));
    }

    private static ExecutionProvider LogFallback(ILogger logger, InferenceOptions options, string? cudaError, ExecutionProvider provider)
    {
        if (cudaError != null)
        {
            logger.LogWarning("CUDA execution provider (device {DeviceId}) is not available, falling back to CPU: {OrtError}",
                options.DeviceId, cudaError);
        }

        return provider;
    }

    private static SessionOptionsHandle CreateOptions(OrtRuntime runtime, InferenceOptions options)
    {
        var api = runtime.Api;
        var handle = new SessionOptionsHandle(runtime.Native);
        nint pointer;
        api.Check(api.CreateSessionOptions(&pointer));
        handle.Attach(pointer);
        try
        {
            // Inter-op threads only matter when independent nodes may run side by side (parallel mode).
            var mode = options.InterOpThreads > 1 ? OrtExecutionMode.Parallel : OrtExecutionMode.Sequential;
            api.Check(api.SetSessionExecutionMode(pointer, (int)mode));
            api.Check(api.SetSessionGraphOptimizationLevel(pointer, (int)options.GraphOptimizationLevel));
            api.Check(api.SetIntraOpNumThreads(pointer, options.IntraOpThreads));
            api.Check(api.SetInterOpNumThreads(pointer, options.InterOpThreads));
            return handle;
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    private static void AppendCuda(OrtRuntime runtime, SessionOptionsHandle sessionOptions, int deviceId)
    {
        var api = runtime.Api;
        using var cuda = new CudaProviderOptionsHandle(runtime.Native);
        nint pointer;
        api.Check(api.CreateCudaProviderOptions(&pointer));
        cuda.Attach(pointer);
        fixed (byte* key = "device_id"u8)
        fixed (byte* value = Utf8.NullTerminated(deviceId.ToString(System.Globalization.CultureInfo.InvariantCulture)))
        {
            var keys = stackalloc byte*[] { key };
            var values = stackalloc byte*[] { value };
            api.Check(api.UpdateCudaProviderOptions(pointer, keys, values, 1));
        }

        api.Check(api.SessionOptionsAppendExecutionProviderCudaV2(sessionOptions.DangerousGetHandle(), pointer));
    }

    private static SessionHandle CreateSession(OrtRuntime runtime, string? path, ReadOnlySpan<byte> model, SessionOptionsHandle options)
    {
        var api = runtime.Api;
        var session = new SessionHandle(runtime.Native, runtime.Env);
        var envAdded = false;
        runtime.Env.DangerousAddRef(ref envAdded);
        try
        {
            nint pointer;
            var env = runtime.Env.DangerousGetHandle();
            if (path != null)
            {
                fixed (byte* file = Utf8.NullTerminated(path))
                {
                    api.Check(api.CreateSession(env, file, options.DangerousGetHandle(), &pointer));
                }
            }
            else
            {
                fixed (byte* bytes = model)
                {
                    api.Check(api.CreateSessionFromArray(env, bytes, (nuint)model.Length, options.DangerousGetHandle(), &pointer));
                }
            }

            session.Attach(pointer);
            return session;
        }
        catch
        {
            session.Dispose();
            throw;
        }
        finally
        {
            if (envAdded) runtime.Env.DangerousRelease();
        }
    }
}
