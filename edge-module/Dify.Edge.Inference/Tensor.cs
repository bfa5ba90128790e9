using System.Buffers;
using Dify.Edge.Inference.Native;

namespace Dify.Edge.Inference;

/// <summary>
/// A dense tensor over managed memory: element type, shape (row-major) and data. Inputs are handed to ONNX Runtime
/// without copying (the memory is pinned for the call); outputs are copied out into new arrays.
/// </summary>
public abstract class Tensor
{
    private readonly long[] shape;

    private protected Tensor(ReadOnlySpan<long> shape, int length)
    {
        this.shape = shape.ToArray();
        var count = ElementCount(this.shape);
        if (count != length)
        {
            throw new ArgumentException($"shape [{string.Join(",", this.shape)}] holds {count} elements but the data has {length}", nameof(shape));
        }
    }

    public abstract TensorElementType ElementType { get; }

    /// <summary>Dimensions, outermost first.</summary>
    public ReadOnlySpan<long> Shape => shape;

    public long Length => ElementCount(shape);

    internal long[] ShapeArray => shape;

    internal abstract int ElementSize { get; }

    internal abstract MemoryHandle Pin();

    public static Tensor<float> FromFloat(float[] data, params long[] shape) => new(data, shape);

    public static Tensor<byte> FromUInt8(byte[] data, params long[] shape) => new(data, shape);

    public static Tensor<long> FromInt64(long[] data, params long[] shape) => new(data, shape);

    /// <summary>A zero-filled tensor of the given element type (float32, uint8, int64, int32, double).</summary>
    public static Tensor Zeros(TensorElementType type, ReadOnlySpan<long> shape)
    {
        var count = checked((int)ElementCount(shape));
        return type switch
        {
            TensorElementType.Float => new Tensor<float>(new float[count], shape),
            TensorElementType.UInt8 => new Tensor<byte>(new byte[count], shape),
            TensorElementType.Int64 => new Tensor<long>(new long[count], shape),
            TensorElementType.Int32 => new Tensor<int>(new int[count], shape),
            TensorElementType.Double => new Tensor<double>(new double[count], shape),
            _ => throw new NotSupportedException($"tensor element type {type} is not supported"),
        };
    }

    /// <summary>This tensor's elements as <typeparamref name="T"/>; throws when the element type differs.</summary>
    public ReadOnlySpan<T> Span<T>() where T : unmanaged =>
        this is Tensor<T> typed
            ? typed.Memory.Span
            : throw new InvalidCastException($"tensor holds {ElementType}, not {typeof(T).Name}");

    public override string ToString() => $"{ElementType}[{string.Join(",", shape)}]";

    internal static long ElementCount(ReadOnlySpan<long> shape)
    {
        long count = 1;
        foreach (var dim in shape)
        {
            if (dim < 0) throw new ArgumentException($"negative dimension {dim} in a concrete tensor shape", nameof(shape));
            count = checked(count * dim);
        }

        return count;
    }
}

/// <summary>A dense tensor of <typeparamref name="T"/> (float, byte = uint8, long = int64, int, double).</summary>
public sealed class Tensor<T> : Tensor where T : unmanaged
{
    public Tensor(Memory<T> data, ReadOnlySpan<long> shape)
        : base(shape, data.Length)
    {
        _ = ElementTypes.Of<T>();
        Memory = data;
    }

    public override TensorElementType ElementType => ElementTypes.Of<T>();

    /// <summary>The elements, row-major. For inputs, this memory is what ONNX Runtime reads (no copy).</summary>
    public Memory<T> Memory { get; }

    internal override int ElementSize => System.Runtime.CompilerServices.Unsafe.SizeOf<T>();

    internal override MemoryHandle Pin() => Memory.Pin();
}

internal static class ElementTypes
{
    public static TensorElementType Of<T>() where T : unmanaged =>
        typeof(T) == typeof(float) ? TensorElementType.Float
        : typeof(T) == typeof(byte) ? TensorElementType.UInt8
        : typeof(T) == typeof(long) ? TensorElementType.Int64
        : typeof(T) == typeof(int) ? TensorElementType.Int32
        : typeof(T) == typeof(double) ? TensorElementType.Double
        : throw new NotSupportedException($"{typeof(T).Name} is not a supported tensor element type (float, byte, long, int, double)");
}
