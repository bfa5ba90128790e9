using System.Diagnostics;
using System.Text.Json.Nodes;
using Dify.Edge.Inference;
using Dify.Edge.Inference.Native;
using Dify.Edge.Inference.Processing;
using Dify.Workflows.Nodes;

namespace Dify.Edge.Nodes.OnnxInference;

/// <summary>
/// <c>onnx-inference</c>: runs an ONNX model on a frame or a sensor series from the variable pool. Outputs
/// <c>scores</c> (the class scores of the deciding row), <c>top</c> ({label, score}), <c>is_defect</c>, <c>latency_ms</c>
/// (pre-processing + inference), <c>rows</c> (batch rows, e.g. sensor windows) and <c>outputs</c> (each requested
/// model output, flattened). With several rows (sensor windows) the deciding row is the most confident defect, else row 0.
/// An activity: its result is recorded in the run's durable history, so a resumed run does not infer twice.
/// </summary>
public sealed class OnnxInferenceNode(ModelCatalog models) : NodeExecutor<OnnxInferenceData>
{
    public const string TypeName = "onnx-inference";

    public override string NodeType => TypeName;

    public override bool SupportsRetry => true;

    protected override OnnxInferenceData Parse(NodeDataReader reader) =>
        OnnxInferenceDataParser.Parse(reader, models) ?? new OnnxInferenceData { Model = "", InputSelector = new Workflows.Variables.Selector("sys", "none") };

    protected override ValueTask<NodeRunResult> RunAsync(NodeRunContext context, OnnxInferenceData data, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var path = data.ModelPath ?? models.Resolve(data.Model, out var error)
            ?? throw new NodeExecutionException(error!, "ModelNotFoundError");
        var value = context.Require(data.InputSelector);
        var started = Stopwatch.GetTimestamp();
        InferenceSession session;
        try
        {
            session = models.Get(path);
        }
        catch (Exception e) when (e is OnnxRuntimeException or DllNotFoundException or IOException or InvalidOperationException)
        {
            throw new NodeExecutionException($"cannot load model {data.Model}: {e.Message}", "ModelLoadError", e);
        }

        var loaded = Stopwatch.GetTimestamp();
        var input = data.InputName is { } name
            ? session.Inputs.FirstOrDefault(i => i.Name == name) ?? throw new NodeExecutionException($"model {data.Model} has no input '{name}' (inputs: {string.Join(", ", session.Inputs.Select(i => i.Name))})", "InvalidInputError")
            : session.Inputs[0];
        var tensor = InputTensors.Build(input, value, data.Preprocessing, models.Runtime.Options.MaxImagePixels);
        var outputNames = data.OutputNames ?? [session.Outputs[0].Name];
        IReadOnlyDictionary<string, Tensor> outputs;
        try
        {
            outputs = session.Run(new Dictionary<string, Tensor>(StringComparer.Ordinal) { [input.Name] = tensor }, outputNames);
        }
        catch (OnnxRuntimeException e)
        {
            throw new NodeExecutionException($"inference failed: {e.Message}", "InferenceError", e);
        }

        var latencyMs = Stopwatch.GetElapsedTime(loaded).TotalMilliseconds;
        var result = Decide(outputs[outputNames[0]], data);
        var raw = new JsonObject();
        foreach (var outputName in outputNames) raw[outputName] = ToJson(outputs[outputName]);
        var json = new JsonObject
        {
            ["scores"] = new JsonArray(result.Scores.Select(s => (JsonNode)JsonValue.Create((double)s)).ToArray()),
            ["top"] = new JsonObject { ["label"] = result.Verdict.Label, ["score"] = (double)result.Verdict.Score },
            ["is_defect"] = result.Verdict.IsDefect,
            ["latency_ms"] = Math.Round(latencyMs, 3),
            ["rows"] = result.Rows,
            ["outputs"] = raw,
        };
        var process = new JsonObject
        {
            ["model"] = path,
            ["provider"] = session.ExecutionProvider.ToString().ToLowerInvariant(),
            ["input"] = $"{input.Name} {tensor}",
            ["load_ms"] = Math.Round(Stopwatch.GetElapsedTime(started, loaded).TotalMilliseconds, 3),
        };
        return ValueTask.FromResult(new NodeRunResult { Outputs = json, ProcessData = process });
    }

    private sealed record Decision(float[] Scores, DefectVerdict Verdict, int Rows);

    private static Decision Decide(Tensor output, OnnxInferenceData data)
    {
        var values = Floats(output);
        var shape = output.Shape;
        var classes = shape.Length == 0 ? 1 : (int)shape[^1];
        if (classes == 0 || values.Length == 0) throw new NodeExecutionException($"model output {output} is empty", "InferenceError");
        var rows = values.Length / classes;
        var labels = data.Labels.Count == classes ? data.Labels : Enumerable.Range(0, classes).Select(i => data.Labels.Count > i ? data.Labels[i] : i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var rule = new DefectRule { Threshold = data.Threshold, NormalLabel = data.NormalLabel };
        Decision? best = null;
        for (var r = 0; r < rows; r++)
        {
            var row = values.AsSpan(r * classes, classes).ToArray();
            if (data.Softmax) row = Postprocessing.Softmax(row);
            var verdict = Postprocessing.Classify(row, labels, rule);
            if (best is null || (verdict.IsDefect && (!best.Verdict.IsDefect || verdict.Score > best.Verdict.Score)))
                best = new Decision(row, verdict, rows);
        }

        return best!;
    }

    private static float[] Floats(Tensor tensor) => tensor.ElementType switch
    {
        TensorElementType.Float => tensor.Span<float>().ToArray(),
        TensorElementType.Double => tensor.Span<double>().ToArray().Select(d => (float)d).ToArray(),
        TensorElementType.Int64 => tensor.Span<long>().ToArray().Select(d => (float)d).ToArray(),
        TensorElementType.Int32 => tensor.Span<int>().ToArray().Select(d => (float)d).ToArray(),
        TensorElementType.UInt8 => tensor.Span<byte>().ToArray().Select(d => (float)d).ToArray(),
        _ => throw new NodeExecutionException($"model output {tensor} has an element type this node cannot read", "InferenceError"),
    };

    private static JsonArray ToJson(Tensor tensor) =>
        new(Floats(tensor).Select(f => (JsonNode)JsonValue.Create((double)f)).ToArray());
}
