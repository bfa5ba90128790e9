namespace Dify.Edge.Inference.Native;

/// <summary>Reads a session's input and output names, kinds, element types and shapes.</summary>
internal static unsafe class SessionMetadataReader
{
    public static NodeMetadata[] Inputs(OrtRuntime runtime, SessionHandle session) => Read(runtime, session, input: true);

    public static NodeMetadata[] Outputs(OrtRuntime runtime, SessionHandle session) => Read(runtime, session, input: false);

    private static NodeMetadata[] Read(OrtRuntime runtime, SessionHandle session, bool input)
    {
        var api = runtime.Api;
        var pointer = session.DangerousGetHandle();
        nuint count;
        api.Check(input ? api.SessionGetInputCount(pointer, &count) : api.SessionGetOutputCount(pointer, &count));
        var result = new NodeMetadata[(int)count];
        for (nuint i = 0; i < count; i++)
        {
            var name = ReadName(runtime, pointer, i, input);
            using var typeInfo = new TypeInfoHandle(runtime.Native);
            nint info;
            api.Check(input ? api.SessionGetInputTypeInfo(pointer, i, &info) : api.SessionGetOutputTypeInfo(pointer, i, &info));
            typeInfo.Attach(info);
            result[(int)i] = Describe(api, name, info);
        }

        return result;
    }

    private static string ReadName(OrtRuntime runtime, nint session, nuint index, bool input)
    {
        var api = runtime.Api;
        byte* name;
        api.Check(input
            ? api.SessionGetInputName(session, index, runtime.DefaultAllocator, &name)
            : api.SessionGetOutputName(session, index, runtime.DefaultAllocator, &name));
        try
        {
            return Utf8.Read(name) ?? string.Empty;
        }
        finally
        {
            api.Check(api.AllocatorFree(runtime.DefaultAllocator, name));
        }
    }

    private static NodeMetadata Describe(OrtApi api, string name, nint typeInfo)
    {
        int kind;
        api.Check(api.GetOnnxTypeFromTypeInfo(typeInfo, &kind));
        nint tensorInfo; // owned by typeInfo: not released separately
        api.Check(api.CastTypeInfoToTensorInfo(typeInfo, &tensorInfo));
        if (tensorInfo == 0)
        {
            return new NodeMetadata(name, (OnnxValueKind)kind, TensorElementType.Undefined, [], []);
        }

        var (elementType, shape, symbols) = ReadTensorInfo(api, tensorInfo, symbolic: true);
        return new NodeMetadata(name, (OnnxValueKind)kind, elementType, shape, symbols);
    }

    /// <summary>Element type, dimensions and (optionally) symbolic dimension names of an OrtTensorTypeAndShapeInfo.</summary>
    public static (TensorElementType Type, long[] Shape, string[] Symbols) ReadTensorInfo(OrtApi api, nint info, bool symbolic)
    {
        int type;
        api.Check(api.GetTensorElementType(info, &type));
        nuint rank;
        api.Check(api.GetDimensionsCount(info, &rank));
        var shape = new long[(int)rank];
        var symbols = symbolic ? new string[(int)rank] : [];
        if (rank > 0)
        {
            fixed (long* dims = shape)
            {
                api.Check(api.GetDimensions(info, dims, rank));
            }

            if (symbolic)
            {
                var names = new byte*[(int)rank];
                fixed (byte** pointers = names)
                {
                    api.Check(api.GetSymbolicDimensions(info, pointers, rank));
                }

                for (var i = 0; i < names.Length; i++)
                {
                    symbols[i] = Utf8.Read(names[i]) ?? string.Empty;
                }
            }
        }

        return ((TensorElementType)type, shape, symbols);
    }
}
