using Dify.Edge.Inference.Native;

namespace Dify.Edge.Inference;

/// <summary>An error reported by ONNX Runtime: its <see cref="OrtErrorCode"/> and its own message.</summary>
public sealed class OnnxRuntimeException : Exception
{
    public OnnxRuntimeException(OrtErrorCode errorCode, string ortMessage)
        : base($"[ONNXRuntimeError] {errorCode}: {ortMessage}")
    {
        ErrorCode = errorCode;
        OrtMessage = ortMessage;
    }

    /// <summary>The code ONNX Runtime returned.</summary>
    public OrtErrorCode ErrorCode { get; }

    /// <summary>ONNX Runtime's message, verbatim.</summary>
    public string OrtMessage { get; }
}
