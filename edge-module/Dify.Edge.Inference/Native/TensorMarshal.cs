using System.Buffers;

namespace Dify.Edge.Inference.Native;

/// <summary>Managed tensors to and from OrtValues.</summary>
internal static unsafe class TensorMarshal
{
    /// <summary>
    /// An OrtValue over <paramref name="tensor"/>'s own memory, which is pinned into <paramref name="pin"/>: the caller
    /// keeps the pin until ORT no longer reads the value (after Run), then disposes value and pin.
    /// </summary>
    public static ValueHandle CreateInput(OrtNative native, nint cpuMemory, Tensor tensor, out MemoryHandle pin)
    {
        var api = native.Api;
        var value = new ValueHandle(native);
        pin = tensor.Pin();
        try
        {
            var shape = tensor.ShapeArray;
            nint pointer;
            fixed (long* dims = shape)
            {
                api.Check(api.CreateTensorWithDataAsOrtValue(
                    cpuMemory, pin.Pointer, (nuint)(tensor.Length * tensor.ElementSize), dims, (nuint)shape.Length,
                    (int)tensor.ElementType, &pointer));
            }

            value.Attach(pointer);
            return value;
        }
        catch
        {
            value.Dispose();
            pin.Dispose();
            throw;
        }
    }

    /// <summary>Copies a tensor OrtValue's data into a new managed tensor.</summary>
    public static Tensor ReadOutput(OrtNative native, ValueHandle value)
    {
        var api = native.Api;
        var pointer = value.DangerousGetHandle();
        TensorElementType type;
        long[] shape;
        using (var info = new TensorTypeAndShapeHandle(native))
        {
            nint infoPointer;
            api.Check(api.GetTensorTypeAndShape(pointer, &infoPointer));
            info.Attach(infoPointer);
            (type, shape, _) = SessionMetadataReader.ReadTensorInfo(api, infoPointer, symbolic: false);
        }

        void* data;
        api.Check(api.GetTensorMutableData(pointer, &data));
        var count = checked((int)Tensor.ElementCount(shape));
        return type switch
        {
            TensorElementType.Float => new Tensor<float>(Copy<float>(data, count), shape),
            TensorElementType.UInt8 => new Tensor<byte>(Copy<byte>(data, count), shape),
            TensorElementType.Int64 => new Tensor<long>(Copy<long>(data, count), shape),
            TensorElementType.Int32 => new Tensor<int>(Copy<int>(data, count), shape),
            TensorElementType.Double => new Tensor<double>(Copy<double>(data, count), shape),
            _ => throw new NotSupportedException($"output element type {type} is not supported"),
        };
    }

    private static T[] Copy<T>(void* data, int count) where T : unmanaged
    {
        var result = GC.AllocateUninitializedArray<T>(count);
        new ReadOnlySpan<T>(data, count).CopyTo(result);
        return result;
    }
}
