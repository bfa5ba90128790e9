using System.Text.Json;
using System.Text.Json.Nodes;
using Dify.Edge.Inference;
using Dify.Edge.Inference.Native;
using Dify.Edge.Inference.Processing;
using Dify.Workflows.Nodes;

namespace Dify.Edge.Nodes.OnnxInference;

/// <summary>Turns the node's input variable into the model's input tensor, per <see cref="PreprocessingSpec"/>.</summary>
internal static class InputTensors
{
    public static Tensor Build(NodeMetadata input, JsonNode? value, PreprocessingSpec spec, long maxImagePixels) => spec.Kind switch
    {
        PreprocessingKind.Image => Image(input, value, spec, maxImagePixels),
        PreprocessingKind.Sensor => Sensor(input, value, spec),
        _ => Plain(input, Numbers(value)),
    };

    private static Tensor Image(NodeMetadata input, JsonNode? value, PreprocessingSpec spec, long maxImagePixels)
    {
        // The model's NCHW geometry fills what the node leaves out.
        var shape = input.Shape;
        var width = spec.Width ?? (shape.Count == 4 && shape[3] > 0 ? (int)shape[3] : 224);
        var height = spec.Height ?? (shape.Count == 4 && shape[2] > 0 ? (int)shape[2] : 224);
        var bytes = ImageBytes(value);
        RgbImage image;
        try
        {
            image = ImageDecoder.Decode(bytes, width, height, maxImagePixels);
        }
        catch (Exception e) when (e is NotSupportedException or FormatException or InvalidDataException or EndOfStreamException)
        {
            throw new NodeExecutionException("cannot decode the input image: " + e.Message, "InvalidInputError", e);
        }

        var options = new ImagePreprocessingOptions { Width = width, Height = height, Scale = spec.Scale };
        if (spec.Mean is not null) options.Mean = spec.Mean;
        if (spec.Std is not null) options.Std = spec.Std;
        // The decoded frame is RGB; reading it as BGR swaps the planes, giving a BGR model its order.
        var tensor = new ImagePreprocessor(options).ToTensor(image.Pixels, image.Width, image.Height, spec.Bgr ? PixelFormat.Bgr24 : PixelFormat.Rgb24);
        return Convert(tensor, input);
    }

    private static Tensor Sensor(NodeMetadata input, JsonNode? value, PreprocessingSpec spec)
    {
        var series = Numbers(value);
        var window = spec.Window ?? spec.Width!.Value;
        var stride = spec.Stride ?? window;
        if (series.Length / spec.Channels < window)
            throw new NodeExecutionException($"the input has {series.Length / spec.Channels} samples, fewer than one window of {window}", "InvalidInputError");
        Tensor<float> windows;
        try
        {
            windows = spec.Channels == 1 && input.Shape.Count != 3
                ? SensorWindows.Sliding(series, window, stride, spec.Normalize)
                : SensorWindows.Sliding(series, spec.Channels, window, stride, spec.Normalize);
        }
        catch (ArgumentException e)
        {
            throw new NodeExecutionException(e.Message, "InvalidInputError", e);
        }

        return Convert(windows, input);
    }

    /// <summary>Numbers reshaped to the model's input: one free dimension takes what the fixed ones leave.</summary>
    private static Tensor Plain(NodeMetadata input, float[] values)
    {
        var shape = input.Shape.ToArray();
        var free = shape.Count(d => d < 0);
        var fixedProduct = shape.Where(d => d >= 0).Aggregate(1L, (a, b) => a * b);
        if (free > 1)
        {
            // Leading free dimensions (batch) become 1 until one is left.
            for (var i = 0; i < shape.Length && free > 1; i++)
            {
                if (shape[i] < 0) { shape[i] = 1; free--; }
            }
        }

        if (free == 1)
        {
            if (fixedProduct == 0 || values.Length % fixedProduct != 0)
                throw new NodeExecutionException($"{values.Length} numbers do not fit the model input {input}", "InvalidInputError");
            shape[Array.FindIndex(shape, d => d < 0)] = values.Length / fixedProduct;
        }
        else if (fixedProduct != values.Length)
        {
            throw new NodeExecutionException($"{values.Length} numbers do not fit the model input {input}", "InvalidInputError");
        }

        return Convert(new Tensor<float>(values, shape), input);
    }

    /// <summary>Float data to the element type the model declares.</summary>
    private static Tensor Convert(Tensor<float> tensor, NodeMetadata input)
    {
        var shape = tensor.Shape;
        var data = tensor.Memory.Span;
        return input.ElementType switch
        {
            TensorElementType.Float or TensorElementType.Undefined => tensor,
            TensorElementType.Double => new Tensor<double>(ToArray(data, f => (double)f), shape),
            TensorElementType.UInt8 => new Tensor<byte>(ToArray(data, f => (byte)Math.Clamp(MathF.Round(f), 0, 255)), shape),
            TensorElementType.Int64 => new Tensor<long>(ToArray(data, f => (long)MathF.Round(f)), shape),
            TensorElementType.Int32 => new Tensor<int>(ToArray(data, f => (int)MathF.Round(f)), shape),
            _ => throw new NodeExecutionException($"model input {input} has an element type this node cannot feed", "InvalidInputError"),
        };
    }

    private static T[] ToArray<T>(ReadOnlySpan<float> data, Func<float, T> map)
    {
        var result = new T[data.Length];
        for (var i = 0; i < data.Length; i++) result[i] = map(data[i]);
        return result;
    }

    /// <summary>Image bytes from base64 (optionally a data: URI), a local file path, or a file object (path / local_path / base64).</summary>
    private static byte[] ImageBytes(JsonNode? value)
    {
        switch (value)
        {
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                return FromText(v.GetValue<string>());
            case JsonObject o:
                foreach (var key in new[] { "base64", "data", "content" })
                    if (o[key] is JsonValue b && b.GetValueKind() == JsonValueKind.String) return FromText(b.GetValue<string>());
                foreach (var key in new[] { "path", "local_path" })
                    if (o[key] is JsonValue p && p.GetValueKind() == JsonValueKind.String) return ReadFile(p.GetValue<string>());
                throw new NodeExecutionException("the input file object has no base64, path or local_path", "InvalidInputError");
            case JsonArray a:
                return a.Select(n => n is JsonValue x && x.TryGetValue<double>(out var d) ? (byte)Math.Clamp(d, 0, 255) : throw new NodeExecutionException("the image byte array holds a non-number", "InvalidInputError")).ToArray();
            default:
                throw new NodeExecutionException("the input variable is empty or not an image (expected base64 text, a path or a file object)", "InvalidInputError");
        }
    }

    private static byte[] FromText(string text)
    {
        var comma = text.StartsWith("data:", StringComparison.Ordinal) ? text.IndexOf(',', StringComparison.Ordinal) : -1;
        var payload = comma >= 0 ? text[(comma + 1)..] : text;
        if (comma < 0 && Path.IsPathRooted(payload) && payload.Length < 4096 && File.Exists(payload)) return ReadFile(payload);
        try
        {
            return System.Convert.FromBase64String(payload);
        }
        catch (FormatException e)
        {
            throw new NodeExecutionException("the input image is neither base64 nor an existing absolute file path", "InvalidInputError", e);
        }
    }

    private static byte[] ReadFile(string path) =>
        File.Exists(path) ? File.ReadAllBytes(path) : throw new NodeExecutionException($"input file {path} does not exist", "InvalidInputError");

    /// <summary>An array of numbers (nested arrays flattened, row-major), or a JSON text of one.</summary>
    public static float[] Numbers(JsonNode? value)
    {
        if (value is JsonValue s && s.GetValueKind() == JsonValueKind.String)
        {
            try
            {
                value = JsonNode.Parse(s.GetValue<string>());
            }
            catch (JsonException e)
            {
                throw new NodeExecutionException("the input text is not a JSON array of numbers", "InvalidInputError", e);
            }
        }

        if (value is not JsonArray array) throw new NodeExecutionException("the input variable must be an array of numbers", "InvalidInputError");
        var result = new List<float>(array.Count);
        Flatten(array, result);
        return [.. result];
    }

    private static void Flatten(JsonArray array, List<float> into)
    {
        foreach (var item in array)
        {
            switch (item)
            {
                case JsonArray inner: Flatten(inner, into); break;
                case JsonValue v when v.GetValueKind() == JsonValueKind.Number: into.Add((float)v.GetValue<double>()); break;
                case JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False: into.Add(v.GetValue<bool>() ? 1 : 0); break;
                default: throw new NodeExecutionException("the input array holds a non-number: " + (item?.ToJsonString() ?? "null"), "InvalidInputError");
            }
        }
    }
}
