using Dify.Edge.Inference.Native;

namespace Dify.Edge.Inference;

/// <summary>A model input or output as the model declares it.</summary>
/// <param name="Name">Name used in <see cref="InferenceSession.Run(IReadOnlyDictionary{string, Tensor})"/>.</param>
/// <param name="Kind">Tensor, sequence, map...</param>
/// <param name="ElementType">Element type (tensors only; Undefined otherwise).</param>
/// <param name="Shape">Dimensions; -1 where the model leaves a dimension free.</param>
/// <param name="SymbolicDimensions">Names of free dimensions ("" where none), same length as <paramref name="Shape"/>.</param>
public sealed record NodeMetadata(
    string Name,
    OnnxValueKind Kind,
    TensorElementType ElementType,
    IReadOnlyList<long> Shape,
    IReadOnlyList<string> SymbolicDimensions)
{
    public override string ToString() => $"{Name}: {ElementType}[{string.Join(",", Shape.Select((d, i) => d >= 0 ? d.ToString(System.Globalization.CultureInfo.InvariantCulture) : SymbolicDimensions[i] is { Length: > 0 } s ? s : "?"))}]";
}
