using Dify.Edge.Inference.Native;

namespace Dify.Edge.Inference.Tests;

[Collection(OrtCollection.Name)]
public sealed class TypesAndMultiIoTests(OrtFixture ort)
{
    [Fact]
    public void Uint8_input_is_cast_and_passed_through()
    {
        using var session = ort.Load("cast_uint8.onnx");
        byte[] pixels = [0, 1, 127, 128, 254, 255, 10, 20, 30, 40, 50, 60];

        var outputs = session.Run(new Dictionary<string, Tensor> { ["pixels"] = Tensor.FromUInt8(pixels, 2, 6) });

        var scaled = outputs["scaled"];
        Assert.Equal(TensorElementType.Float, scaled.ElementType);
        Assert.Equal([2L, 6], scaled.Shape.ToArray());
        var values = scaled.Span<float>();
        for (var i = 0; i < pixels.Length; i++)
        {
            Assert.Equal(pixels[i] / 255.0, values[i], 1e-6);
        }

        var passthrough = outputs["passthrough"];
        Assert.Equal(TensorElementType.UInt8, passthrough.ElementType);
        Assert.Equal(pixels, passthrough.Span<byte>().ToArray());
    }

    [Fact]
    public void Int64_values_beyond_32_bits_survive_the_round_trip()
    {
        using var session = ort.Load("int64_affine.onnx");
        long[] ids = [0, -3, 5_000_000_000L, long.MaxValue / 4, 42];

        var output = session.Run(new Dictionary<string, Tensor> { ["ids"] = Tensor.FromInt64(ids, ids.Length) })["out"];

        Assert.Equal(TensorElementType.Int64, output.ElementType);
        Assert.Equal(ids.Select(v => (v * 3) + 7).ToArray(), output.Span<long>().ToArray());
    }

    [Fact]
    public void Two_inputs_and_two_outputs_are_matched_by_name()
    {
        using var session = ort.Load("two_in_two_out.onnx");
        float[] a = [1, 2, 3, -1.5f, 0.25f, 8];
        float[] b = [4, 5, 6, 2, -4, 0.5f];

        // Dictionary order differs from the model's input order on purpose.
        var outputs = session.Run(new Dictionary<string, Tensor>
        {
            ["b"] = Tensor.FromFloat(b, 2, 3),
            ["a"] = Tensor.FromFloat(a, 2, 3),
        });

        Assert.Equal(["sum", "dot"], outputs.Keys.ToArray());
        Assert.Equal(a.Zip(b, (x, y) => x + y).ToArray(), outputs["sum"].Span<float>().ToArray());
        Assert.Equal([2L], outputs["dot"].Shape.ToArray());
        Assert.Equal((1 * 4) + (2 * 5) + (3 * 6), outputs["dot"].Span<float>()[0], 1e-5);
        Assert.Equal((-1.5 * 2) + (0.25 * -4) + (8 * 0.5), outputs["dot"].Span<float>()[1], 1e-5);
    }

    [Fact]
    public void Only_requested_outputs_are_returned()
    {
        using var session = ort.Load("two_in_two_out.onnx");
        var inputs = new Dictionary<string, Tensor>
        {
            ["a"] = Tensor.FromFloat([1, 1, 1], 1, 3),
            ["b"] = Tensor.FromFloat([2, 3, 4], 1, 3),
        };

        var outputs = session.Run(inputs, ["dot"]);

        Assert.Equal("dot", Assert.Single(outputs).Key);
        Assert.Equal(9f, outputs["dot"].Span<float>()[0]);
    }

    [Fact]
    public void Reading_a_tensor_as_the_wrong_type_throws()
    {
        var tensor = Tensor.FromInt64([1, 2], 2);
        Assert.Throws<InvalidCastException>(() => tensor.Span<float>().Length);
    }
}
