using Dify.Workflows.Variables;

namespace Dify.Edge.Nodes.OnnxInference;

public enum PreprocessingKind { None, Image, Sensor }

/// <summary>
/// <c>preprocessing</c> of an onnx-inference node. Image: decode (PNG, baseline JPEG, binary PPM, or raw RGB of width x height), resize to
/// width x height (default: the model input's), (pixel * scale - mean[c]) / std[c], NCHW; <c>channel_order</c> is the
/// model's (rgb or bgr; mean/std are given in that order). Sensor: sliding windows (window, stride, channels interleaved),
/// z-scored per window unless <c>normalize</c> is false. None: numbers reshaped to the model input.
/// </summary>
public sealed record PreprocessingSpec
{
    public PreprocessingKind Kind { get; init; } = PreprocessingKind.None;
    public int? Width { get; init; }
    public int? Height { get; init; }
    public float[]? Mean { get; init; }
    public float[]? Std { get; init; }
    public float Scale { get; init; } = 1f / 255f;
    public bool Bgr { get; init; }
    public int? Window { get; init; }
    public int? Stride { get; init; }
    public int Channels { get; init; } = 1;
    public bool Normalize { get; init; } = true;
}

/// <summary>An onnx-inference node's data, validated at import.</summary>
public sealed record OnnxInferenceData
{
    public required string Model { get; init; }

    /// <summary>The model file the node resolved to at import (null when unresolved: the node then fails at run time).</summary>
    public string? ModelPath { get; init; }

    public required Selector InputSelector { get; init; }
    public string? InputName { get; init; }
    public PreprocessingSpec Preprocessing { get; init; } = new();
    public IReadOnlyList<string>? OutputNames { get; init; }
    public IReadOnlyList<string> Labels { get; init; } = [];
    public float Threshold { get; init; } = 0.5f;

    /// <summary>The label that is never a defect (default <c>ok</c>; also <c>normal</c>/<c>good</c> when no label is named ok).</summary>
    public string NormalLabel { get; init; } = "ok";

    /// <summary>Apply softmax to the output first (for models that end in logits).</summary>
    public bool Softmax { get; init; }
}
