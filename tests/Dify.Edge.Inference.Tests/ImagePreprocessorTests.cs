using Dify.Edge.Inference.Processing;

namespace Dify.Edge.Inference.Tests;

public sealed class ImagePreprocessorTests
{
    private static ImagePreprocessor Raw(int width, int height) =>
        new(new ImagePreprocessingOptions { Width = width, Height = height, Scale = 1, Mean = [0, 0, 0], Std = [1, 1, 1] });

    private static byte[] Gray(params byte[] values) => values.SelectMany(v => new[] { v, v, v }).ToArray();

    [Fact]
    public void Same_size_rgb_becomes_planar_channels()
    {
        byte[] pixels = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120];

        var tensor = Raw(2, 2).ToTensor(pixels, 2, 2, PixelFormat.Rgb24);

        Assert.Equal([1L, 3, 2, 2], tensor.Shape.ToArray());
        Assert.Equal([10f, 40, 70, 100, 20, 50, 80, 110, 30, 60, 90, 120], tensor.Memory.ToArray());
    }

    [Fact]
    public void Bgr_frames_are_reordered_to_rgb()
    {
        byte[] pixels = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120];

        var tensor = Raw(2, 2).ToTensor(pixels, 2, 2, PixelFormat.Bgr24);

        Assert.Equal([30f, 60, 90, 120, 20, 50, 80, 110, 10, 40, 70, 100], tensor.Memory.ToArray());
    }

    [Fact]
    public void Upscaling_interpolates_between_half_pixel_centres()
    {
        // Source centres at 0.5 and 1.5 (of 2); targets at 0.25, 0.75, 1.25, 1.75 (of 4) -> clamp, 1/4, 3/4, clamp.
        var tensor = Raw(4, 1).ToTensor(Gray(0, 100), 2, 1, PixelFormat.Rgb24);

        Assert.Equal([0f, 25, 75, 100], tensor.Memory[..4].ToArray());
    }

    [Fact]
    public void Halving_averages_each_two_by_two_block()
    {
        var values = new byte[16];
        for (var y = 0; y < 4; y++)
        {
            for (var x = 0; x < 4; x++) values[(y * 4) + x] = (byte)((x * 10) + (y * 40));
        }

        var tensor = Raw(2, 2).ToTensor(Gray(values), 4, 4, PixelFormat.Rgb24);

        Assert.Equal([25f, 45, 105, 125], tensor.Memory[..4].ToArray());
        Assert.Equal(tensor.Memory[..4].ToArray(), tensor.Memory[4..8].ToArray());
    }

    [Fact]
    public void Default_normalisation_is_imagenet_mean_and_std_on_unit_range()
    {
        var preprocessor = new ImagePreprocessor(new ImagePreprocessingOptions { Width = 1, Height = 1 });

        var tensor = preprocessor.ToTensor([255, 0, 128], 1, 1, PixelFormat.Rgb24);

        var values = tensor.Memory.Span;
        Assert.Equal((1.0 - 0.485) / 0.229, values[0], 1e-5);
        Assert.Equal((0.0 - 0.456) / 0.224, values[1], 1e-5);
        Assert.Equal(((128 / 255.0) - 0.406) / 0.225, values[2], 1e-5);
    }

    [Fact]
    public void Padded_rows_give_the_same_result_as_packed_rows()
    {
        byte[] packed = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
        byte[] padded = [1, 2, 3, 4, 5, 6, 0xEE, 0xEE, 7, 8, 9, 10, 11, 12, 0xEE, 0xEE];
        var preprocessor = Raw(3, 3);

        var fromPacked = preprocessor.ToTensor(packed, 2, 2, PixelFormat.Rgb24).Memory.ToArray();
        var fromPadded = preprocessor.ToTensor(padded, 2, 2, PixelFormat.Rgb24, rowStride: 8).Memory.ToArray();

        Assert.Equal(fromPacked, fromPadded);
    }

    [Fact]
    public void Short_buffers_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => Raw(2, 2).ToTensor(new byte[11], 2, 2, PixelFormat.Rgb24));
        Assert.Throws<ArgumentException>(() => Raw(2, 2).Write(new byte[12], 2, 2, PixelFormat.Rgb24, new float[11]));
    }
}
