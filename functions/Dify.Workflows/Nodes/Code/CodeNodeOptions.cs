namespace Dify.Workflows.Nodes.Code;

/// <summary>Dify's CODE_* output limits, with Dify's defaults.</summary>
public sealed record CodeNodeOptions
{
    public int MaxStringLength { get; init; } = 400_000;
    public long MaxNumber { get; init; } = long.MaxValue;
    public long MinNumber { get; init; } = long.MinValue;
    /// <summary>Digits after the decimal point a float may carry.</summary>
    public int MaxPrecision { get; init; } = 20;
    public int MaxDepth { get; init; } = 5;
    public int MaxNumberArrayLength { get; init; } = 1000;
    public int MaxStringArrayLength { get; init; } = 30;
    public int MaxObjectArrayLength { get; init; } = 30;
}
