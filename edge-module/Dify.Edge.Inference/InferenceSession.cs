using System.Buffers;
using System.Diagnostics;
using System.Runtime.InteropServices;
using Dify.Edge.Inference.Native;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dify.Edge.Inference;

/// <summary>
/// A loaded ONNX model. Loaded once, warmed up with one zero-input run, then <see cref="Run(IReadOnlyDictionary{string, Tensor})"/>
/// may be called from any number of threads at once (ONNX Runtime's Run is thread-safe; this object's state is
/// read-only after loading). Inputs are passed to ORT over pinned managed memory, without copies.
/// </summary>
public sealed class InferenceSession : IDisposable
{
    private readonly OrtRuntime runtime;
    private readonly SessionHandle session;
    private readonly MemoryInfoHandle cpuMemory;
    private readonly NativeBuffer names;
    private readonly Dictionary<string, int> inputIndex;
    private readonly nint[] inputNamePointers;
    private readonly nint[] outputNamePointers;

    private InferenceSession(OrtRuntime runtime, SessionHandle session, MemoryInfoHandle cpuMemory, ExecutionProvider provider,
        NodeMetadata[] inputs, NodeMetadata[] outputs, string modelName)
    {
        this.runtime = runtime;
        this.session = session;
        this.cpuMemory = cpuMemory;
        ExecutionProvider = provider;
        Inputs = inputs;
        Outputs = outputs;
        ModelName = modelName;
        inputIndex = inputs.Select((node, i) => (node.Name, i)).ToDictionary(x => x.Name, x => x.i, StringComparer.Ordinal);
        (names, var pointers) = NativeNames(inputs.Concat(outputs).Select(n => n.Name).ToArray());
        inputNamePointers = pointers[..inputs.Length];
        outputNamePointers = pointers[inputs.Length..];
    }

    public IReadOnlyList<NodeMetadata> Inputs { get; }

    public IReadOnlyList<NodeMetadata> Outputs { get; }

    /// <summary>The provider the session actually runs on (CPU after a CUDA fallback).</summary>
    public ExecutionProvider ExecutionProvider { get; }

    public string ModelName { get; }

    /// <summary>Loads a model file (ORT reads it, external data files included).</summary>
    public static InferenceSession Load(OrtRuntime runtime, string modelPath, InferenceOptions options, ILogger? logger = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelPath);
        return Create(runtime, Path.GetFullPath(modelPath), default, Path.GetFileName(modelPath), options, logger);
    }

    /// <summary>Loads a model from its serialized bytes.</summary>
    public static InferenceSession Load(OrtRuntime runtime, ReadOnlySpan<byte> model, InferenceOptions options, ILogger? logger = null, string modelName = "model") =>
        Create(runtime, null, model, modelName, options, logger);

    /// <summary>Reads a model file asynchronously, then loads it from its bytes.</summary>
    public static async Task<InferenceSession> LoadAsync(OrtRuntime runtime, string modelPath, InferenceOptions options, ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        var bytes = await File.ReadAllBytesAsync(modelPath, cancellationToken).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        return Load(runtime, bytes, options, logger, Path.GetFileName(modelPath));
    }

    private static InferenceSession Create(OrtRuntime runtime, string? path, ReadOnlySpan<byte> model, string modelName, InferenceOptions options, ILogger? logger)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        ArgumentNullException.ThrowIfNull(options);
        logger ??= NullLogger.Instance;
        var started = Stopwatch.GetTimestamp();
        var (session, provider) = SessionFactory.Create(runtime, path, model, options, logger);
        MemoryInfoHandle? cpuMemory = null;
        try
        {
            var inputs = SessionMetadataReader.Inputs(runtime, session);
            var outputs = SessionMetadataReader.Outputs(runtime, session);
            cpuMemory = CreateCpuMemory(runtime);
            var result = new InferenceSession(runtime, session, cpuMemory, provider, inputs, outputs, modelName);
            logger.LogInformation("Loaded model {ModelName} on {ExecutionProvider} in {LoadMs:F1} ms; inputs {Inputs}; outputs {Outputs}",
                modelName, provider, Stopwatch.GetElapsedTime(started).TotalMilliseconds,
                string.Join("; ", inputs.Select(i => i.ToString())), string.Join("; ", outputs.Select(o => o.ToString())));
            if (options.WarmUp)
            {
                result.WarmUp(logger);
            }

            return result;
        }
        catch
        {
            cpuMemory?.Dispose();
            session.Dispose();
            throw;
        }
    }

    /// <summary>Runs the model on <paramref name="inputs"/> (by input name) and returns every output, by name.</summary>
    public IReadOnlyDictionary<string, Tensor> Run(IReadOnlyDictionary<string, Tensor> inputs) => Run(inputs, null);

    /// <summary>Runs the model and returns the named outputs only (all outputs when <paramref name="outputNames"/> is null).</summary>
    public IReadOnlyDictionary<string, Tensor> Run(IReadOnlyDictionary<string, Tensor> inputs, IReadOnlyList<string>? outputNames)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var requested = outputNames ?? Outputs.Select(o => o.Name).ToArray();
        var inputCount = inputs.Count;
        var outputCount = requested.Count;
        var inputNames = new nint[inputCount];
        var inputValues = new nint[inputCount];
        var outputNamesNative = new nint[outputCount];
        var outputValues = new nint[outputCount];
        var values = new ValueHandle?[inputCount];
        var pins = new MemoryHandle[inputCount];
        var extraNames = new List<GCHandle>();
        // Hold session, memory info and names for the whole call: a concurrent Dispose then only takes effect after it.
        bool sessionAdded = false, memoryAdded = false, namesAdded = false;
        try
        {
            session.DangerousAddRef(ref sessionAdded);
            cpuMemory.DangerousAddRef(ref memoryAdded);
            names.DangerousAddRef(ref namesAdded);
            var memory = cpuMemory.DangerousGetHandle();
            var i = 0;
            foreach (var (name, tensor) in inputs)
            {
                ArgumentNullException.ThrowIfNull(tensor, name);
                inputNames[i] = inputIndex.TryGetValue(name, out var index) ? inputNamePointers[index] : PinName(name, extraNames);
                values[i] = TensorMarshal.CreateInput(runtime.Native, memory, tensor, out pins[i]);
                inputValues[i] = values[i]!.DangerousGetHandle();
                i++;
            }

            for (var o = 0; o < outputCount; o++)
            {
                var index = IndexOfOutput(requested[o]);
                outputNamesNative[o] = index >= 0 ? outputNamePointers[index] : PinName(requested[o], extraNames);
            }

            return Execute(inputNames, inputValues, outputNamesNative, outputValues, requested);
        }
        finally
        {
            for (var i = 0; i < inputCount; i++)
            {
                values[i]?.Dispose();
                pins[i].Dispose();
            }

            foreach (var handle in extraNames)
            {
                handle.Free();
            }

            if (namesAdded) names.DangerousRelease();
            if (memoryAdded) cpuMemory.DangerousRelease();
            if (sessionAdded) session.DangerousRelease();
        }
    }

    private unsafe Dictionary<string, Tensor> Execute(nint[] inputNames, nint[] inputValues, nint[] outputNames, nint[] outputValues, IReadOnlyList<string> requested)
    {
        var api = runtime.Api;
        var outputs = new ValueHandle[outputValues.Length];
        try
        {
            fixed (nint* inNames = inputNames)
            fixed (nint* inValues = inputValues)
            fixed (nint* outNames = outputNames)
            fixed (nint* outValues = outputValues)
            {
                var status = api.Run(session.DangerousGetHandle(), 0, inNames, inValues, (nuint)inputNames.Length,
                    outNames, (nuint)outputNames.Length, outValues);
                for (var o = 0; o < outputValues.Length; o++)
                {
                    outputs[o] = new ValueHandle(runtime.Native);
                    outputs[o].Attach(outValues[o]);
                }

                api.Check(status);
            }

            var result = new Dictionary<string, Tensor>(outputs.Length, StringComparer.Ordinal);
            for (var o = 0; o < outputs.Length; o++)
            {
                result[requested[o]] = TensorMarshal.ReadOutput(runtime.Native, outputs[o]);
            }

            return result;
        }
        finally
        {
            foreach (var output in outputs)
            {
                output?.Dispose();
            }
        }
    }

    public void Dispose()
    {
        session.Dispose();
        cpuMemory.Dispose();
        names.Dispose();
    }

    private void WarmUp(ILogger logger)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var zeros = new Dictionary<string, Tensor>(StringComparer.Ordinal);
            foreach (var input in Inputs)
            {
                if (input.Kind != OnnxValueKind.Tensor)
                {
                    logger.LogDebug("Skipping warm-up of {ModelName}: input {Input} is a {Kind}", ModelName, input.Name, input.Kind);
                    return;
                }

                zeros[input.Name] = Tensor.Zeros(input.ElementType, input.Shape.Select(d => d > 0 ? d : 1).ToArray());
            }

            Run(zeros);
            logger.LogDebug("Warm-up run of {ModelName} took {WarmUpMs:F1} ms", ModelName, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        catch (Exception e) when (e is OnnxRuntimeException or NotSupportedException)
        {
            logger.LogWarning(e, "Warm-up run of {ModelName} on zero inputs failed; the model stays loaded", ModelName);
        }
    }

    private int IndexOfOutput(string name)
    {
        for (var i = 0; i < Outputs.Count; i++)
        {
            if (string.Equals(Outputs[i].Name, name, StringComparison.Ordinal)) return i;
        }

        return -1;
    }

    /// <summary>A name the model does not declare: passed to ORT as given, so ORT reports the error itself.</summary>
    private static nint PinName(string name, List<GCHandle> handles)
    {
        var handle = GCHandle.Alloc(Utf8.NullTerminated(name), GCHandleType.Pinned);
        handles.Add(handle);
        return handle.AddrOfPinnedObject();
    }

    private static unsafe MemoryInfoHandle CreateCpuMemory(OrtRuntime runtime)
    {
        var info = new MemoryInfoHandle(runtime.Native);
        nint pointer;
        runtime.Api.Check(runtime.Api.CreateCpuMemoryInfo((int)OrtAllocatorType.Arena, (int)OrtMemType.Default, &pointer));
        info.Attach(pointer);
        return info;
    }

    /// <summary>All names as NUL-terminated UTF-8 in one native block, kept for the session's lifetime.</summary>
    private static unsafe (NativeBuffer Buffer, nint[] Pointers) NativeNames(string[] all)
    {
        var encoded = all.Select(Utf8.NullTerminated).ToArray();
        var buffer = new NativeBuffer((nuint)Math.Max(1, encoded.Sum(e => e.Length)));
        var pointers = new nint[all.Length];
        var offset = 0;
        for (var i = 0; i < encoded.Length; i++)
        {
            pointers[i] = (nint)(buffer.Pointer + offset);
            encoded[i].CopyTo(new Span<byte>(buffer.Pointer + offset, encoded[i].Length));
            offset += encoded[i].Length;
        }

        return (buffer, pointers);
    }
}
