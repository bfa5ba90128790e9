using System.Text.Json;
using System.Text.Json.Nodes;
using Dify.Workflows.Nodes;

namespace Dify.Edge.Nodes.OnnxInference;

/// <summary>Reads and checks an onnx-inference node's data; every problem names its field.</summary>
internal static class OnnxInferenceDataParser
{
    public static OnnxInferenceData? Parse(NodeDataReader reader, ModelCatalog models)
    {
        var model = reader.String("model", required: true);
        var selector = reader.Selector("input_selector", required: true);
        string? modelPath = null;
        if (model is { Length: > 0 })
        {
            modelPath = models.Resolve(model, out var error);
            if (modelPath is null) reader.Problem("model", error!);
        }

        var pre = ParsePreprocessing(reader);
        var labels = Strings(reader, reader.Data, "labels");
        var outputs = reader.Data["output_names"] is null ? null : Strings(reader, reader.Data, "output_names");
        var threshold = reader.Double(reader.Data, "threshold", 0.5, "threshold") ?? 0.5;
        if (threshold < 0) reader.Problem("threshold", "must be >= 0");
        var normal = reader.String("normal_label") ?? DefaultNormal(labels);
        if (model is null || selector is null) return null;
        return new OnnxInferenceData
        {
            Model = model,
            ModelPath = modelPath,
            InputSelector = selector,
            InputName = reader.String("input_name") is { Length: > 0 } n ? n : null,
            Preprocessing = pre,
            OutputNames = outputs is { Count: > 0 } ? outputs : null,
            Labels = labels,
            Threshold = (float)threshold,
            NormalLabel = normal,
            Softmax = reader.Bool("softmax"),
        };
    }

    private static string DefaultNormal(IReadOnlyList<string> labels) =>
        labels.FirstOrDefault(l => l is "ok" or "OK" or "normal" or "good") ?? "ok";

    private static PreprocessingSpec ParsePreprocessing(NodeDataReader reader)
    {
        var obj = reader.Object("preprocessing");
        if (obj is null) return new PreprocessingSpec();
        var kindText = (reader.String(obj, "kind", false, "preprocessing.kind") ?? "none").Trim().ToLowerInvariant();
        PreprocessingKind kind;
        switch (kindText)
        {
            case "image": kind = PreprocessingKind.Image; break;
            case "sensor": kind = PreprocessingKind.Sensor; break;
            case "none" or "": kind = PreprocessingKind.None; break;
            default:
                reader.Problem("preprocessing.kind", $"must be image, sensor or none, got '{kindText}'");
                kind = PreprocessingKind.None;
                break;
        }

        var order = (reader.String(obj, "channel_order", false, "preprocessing.channel_order") ?? "rgb").Trim().ToLowerInvariant();
        if (order is not ("rgb" or "bgr")) reader.Problem("preprocessing.channel_order", $"must be rgb or bgr, got '{order}'");
        var mean = Floats(reader, obj, "mean");
        var std = Floats(reader, obj, "std");
        if (kind == PreprocessingKind.Image)
        {
            if (mean is not null && mean.Length != 3) reader.Problem("preprocessing.mean", "needs 3 values (one per channel)");
            if (std is not null && (std.Length != 3 || std.Any(s => s == 0))) reader.Problem("preprocessing.std", "needs 3 non-zero values (one per channel)");
        }

        var spec = new PreprocessingSpec
        {
            Kind = kind,
            Width = PositiveOrNull(reader, obj, "width"),
            Height = PositiveOrNull(reader, obj, "height"),
            Mean = mean,
            Std = std,
            Scale = (float)(reader.Double(obj, "scale", 1.0 / 255.0, "preprocessing.scale") ?? 1.0 / 255.0),
            Bgr = order == "bgr",
            Window = PositiveOrNull(reader, obj, "window"),
            Stride = PositiveOrNull(reader, obj, "stride"),
            Channels = PositiveOrNull(reader, obj, "channels") ?? 1,
            Normalize = NodeDataReader.Bool(obj, "normalize", true),
        };
        if (kind == PreprocessingKind.Sensor && spec.Window is null && spec.Width is null)
            reader.Problem("preprocessing.window", "is required for sensor preprocessing (samples per window)");
        return spec;
    }

    private static int? PositiveOrNull(NodeDataReader reader, JsonObject obj, string key)
    {
        var value = reader.Double(obj, key, null, "preprocessing." + key);
        if (value is null) return null;
        if (value < 1 || value != Math.Floor(value.Value))
        {
            reader.Problem("preprocessing." + key, "must be a positive integer");
            return null;
        }

        return (int)value;
    }

    private static float[]? Floats(NodeDataReader reader, JsonObject obj, string key)
    {
        if (obj[key] is null) return null;
        var array = reader.Array(obj, key, false, "preprocessing." + key);
        var result = new float[array.Count];
        for (var i = 0; i < array.Count; i++)
        {
            if (array[i] is JsonValue v && v.GetValueKind() == JsonValueKind.Number) result[i] = (float)v.GetValue<double>();
            else
            {
                reader.Problem($"preprocessing.{key}[{i}]", "must be a number");
                return null;
            }
        }

        return result;
    }

    private static IReadOnlyList<string> Strings(NodeDataReader reader, JsonObject obj, string key)
    {
        var array = reader.Array(obj, key, false, key);
        var result = new List<string>(array.Count);
        foreach (var item in array)
        {
            if (item is JsonValue v) result.Add(NodeDataReader.ScalarString(v));
            else reader.Problem(key, "must be a list of strings");
        }

        return result;
    }
}
