using Xunit.Abstractions;
using Dify.Edge.Inference.Native;

namespace Dify.Edge.Inference.Tests;

[Collection(OrtCollection.Name)]
public sealed class ErrorTests(OrtFixture ort, ITestOutputHelper output)
{
    [Fact]
    public void Unknown_input_name_reports_onnxruntimes_own_error()
    {
        using var session = ort.Load("defect_classifier.onnx");

        var error = Assert.Throws<OnnxRuntimeException>(() =>
            session.Run(new Dictionary<string, Tensor> { ["pixels"] = Tensor.FromFloat(new float[192], 1, 3, 8, 8) }));

        Assert.Equal(OrtErrorCode.InvalidArgument, error.ErrorCode);
        Assert.Contains("Invalid input name: pixels", error.OrtMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Wrong_shape_reports_the_offending_dimension()
    {
        using var session = ort.Load("defect_classifier.onnx");

        var error = Assert.Throws<OnnxRuntimeException>(() =>
            session.Run(new Dictionary<string, Tensor> { ["image"] = Tensor.FromFloat(new float[168], 1, 3, 8, 7) }));

        Assert.Equal(OrtErrorCode.InvalidArgument, error.ErrorCode);
        output.WriteLine(error.Message);
        Assert.Contains("Got invalid dimensions for input: image", error.OrtMessage, StringComparison.Ordinal);
        Assert.Contains(error.OrtMessage, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Wrong_element_type_is_rejected_by_onnxruntime()
    {
        using var session = ort.Load("defect_classifier.onnx");

        var error = Assert.Throws<OnnxRuntimeException>(() =>
            session.Run(new Dictionary<string, Tensor> { ["image"] = Tensor.FromInt64(new long[192], 1, 3, 8, 8) }));

        Assert.Equal(OrtErrorCode.InvalidArgument, error.ErrorCode);
        Assert.Contains("Unexpected input data type", error.OrtMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_output_name_is_an_error()
    {
        using var session = ort.Load("defect_classifier.onnx");
        var inputs = new Dictionary<string, Tensor> { ["image"] = Tensor.FromFloat(new float[192], 1, 3, 8, 8) };

        var error = Assert.Throws<OnnxRuntimeException>(() => session.Run(inputs, ["logits_missing"]));

        Assert.Contains("logits_missing", error.OrtMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_model_file_and_garbage_bytes_are_load_errors()
    {
        var missing = Assert.Throws<OnnxRuntimeException>(() => ort.Load("no_such_model.onnx"));
        Assert.Equal(OrtErrorCode.NoSuchFile, missing.ErrorCode);

        var garbage = Assert.Throws<OnnxRuntimeException>(() =>
            InferenceSession.Load(ort.Runtime, "this is not a protobuf"u8, new InferenceOptions()));
        Assert.Equal(OrtErrorCode.InvalidProtobuf, garbage.ErrorCode);
    }

    [Fact]
    public void Status_code_and_message_round_trip_through_ort()
    {
        var error = ort.Runtime.RoundTripStatus(OrtErrorCode.NotImplemented, "no such feature: ünïcode");

        Assert.Equal(OrtErrorCode.NotImplemented, error.ErrorCode);
        Assert.Equal("no such feature: ünïcode", error.OrtMessage);
    }

    [Fact]
    public void Data_that_does_not_fill_the_shape_is_rejected_before_ort()
    {
        Assert.Throws<ArgumentException>(() => Tensor.FromFloat(new float[10], 1, 3, 8, 8));
        Assert.Throws<ArgumentException>(() => Tensor.FromFloat(new float[1], -1));
    }

    [Fact]
    public void Invalid_options_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ort.Load("defect_classifier.onnx", new InferenceOptions { IntraOpThreads = -1 }));
    }
}
