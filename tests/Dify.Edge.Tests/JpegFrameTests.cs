using System.Diagnostics;
using System.Text.Json.Nodes;
using Dify.Edge.Inference.Imaging;
using Dify.Edge.Inputs;
using Dify.Edge.Nodes.OnnxInference;
using Dify.Testing;

namespace Dify.Edge.Tests;

/// <summary>
/// JPEG camera frames through the onnx-inference template: PIL (Debian python3-pil) encodes the frame, and the
/// scores must equal those of a PNG holding PIL's own decode of that JPEG, and the independent computation on it.
/// </summary>
[Collection(ModelsCollection.Name)]
public sealed class JpegFrameTests(ModelsFixture models)
{
    private const string EncodeScript = """
        import io, sys
        from PIL import Image
        raw, width, height, subsampling, jpg_path, rgb_path = sys.argv[1:]
        img = Image.frombytes("RGB", (int(width), int(height)), open(raw, "rb").read())
        buffer = io.BytesIO()
        img.save(buffer, "JPEG", quality=75, subsampling=int(subsampling))
        open(jpg_path, "wb").write(buffer.getvalue())
        open(rgb_path, "wb").write(Image.open(io.BytesIO(buffer.getvalue())).convert("RGB").tobytes())
        """;

    private static (byte[] Jpeg, byte[] Decoded) EncodeWithPil(byte[] rgb, int width, int height, int subsampling)
    {
        using var folder = new TempDirectory("dify-jpeg-frame");
        File.WriteAllBytes(folder.Combine("frame.rgb"), rgb);
        var python = Environment.GetEnvironmentVariable("DIFY_PYTHON") ?? (File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3");
        var start = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "-c", EncodeScript, folder.Combine("frame.rgb"), $"{width}", $"{height}", $"{subsampling}", folder.Combine("frame.jpg"), folder.Combine("decoded.rgb") })
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"PIL encode failed (is python3-pil installed?): {stderr}");
        return (File.ReadAllBytes(folder.Combine("frame.jpg")), File.ReadAllBytes(folder.Combine("decoded.rgb")));
    }

    private static double[] Scores(JsonNode? node) => node!.AsArray().Select(n => (double)n!).ToArray();

    [Theory]
    [InlineData(1, 2)]
    [InlineData(4, 0)]
    [InlineData(9, 1)]
    public async Task A_jpeg_frame_scores_like_the_png_of_its_decoded_pixels(int seed, int subsampling)
    {
        await using var edge = new EdgeHarness(models.Directory);
        await edge.ActivateAsync("defects", "1", Templates.DefectCheck());
        var (jpeg, decoded) = EncodeWithPil(Classifier.Frame(seed), 8, 8, subsampling);
        Assert.Equal([0xFF, 0xD8, 0xFF], jpeg[..3]);

        // As a module input message would arrive: a binary body without a content type becomes the frame.
        var noProperties = new Dictionary<string, string>();
        var fromJpeg = await edge.Runner.RunAsync("defects", InputFiles.FromMessage("frames", noProperties, jpeg), CancellationToken.None);
        var fromPng = await edge.Runner.RunAsync("defects", InputFiles.FromMessage("frames", noProperties, Classifier.Png(decoded, 8, 8)), CancellationToken.None);

        Assert.True(fromJpeg.Status == "succeeded", fromJpeg.Error);
        Assert.True(fromPng.Status == "succeeded", fromPng.Error);
        Assert.Equal(Scores(fromPng.Outputs["scores"]), Scores(fromJpeg.Outputs["scores"]));
        var expected = Classifier.Probabilities(Classifier.ImageInput(decoded, 0.5, 0.25));
        var actual = Scores(fromJpeg.Outputs["scores"]);
        for (var i = 0; i < expected.Length; i++) Assert.True(Math.Abs(expected[i] - actual[i]) < 1e-5, $"score {i}: expected {expected[i]}, got {actual[i]}");
        Assert.Equal((string)fromPng.Outputs["top"]!["label"]!, (string)fromJpeg.Outputs["top"]!["label"]!);
    }

    [Fact]
    public async Task Frames_over_the_configured_pixel_limit_are_refused()
    {
        var inference = new Inference.InferenceOptions { IntraOpThreads = 1, MaxImagePixels = (8 * 8) - 1 };
        await using var edge = new EdgeHarness(models.Directory, inference: inference);
        await edge.ActivateAsync("defects", "1", Templates.DefectCheck());
        var rgb = Classifier.Frame(3);
        var (jpeg, _) = EncodeWithPil(rgb, 8, 8, 2);

        var fromJpeg = await edge.Runner.RunAsync("defects", new JsonObject { ["frame"] = Convert.ToBase64String(jpeg) }, CancellationToken.None);
        var fromPng = await edge.Runner.RunAsync("defects", new JsonObject { ["frame"] = Convert.ToBase64String(Classifier.Png(rgb, 8, 8)) }, CancellationToken.None);

        Assert.Equal("failed", fromJpeg.Status);
        Assert.Contains("8x8 exceeds the 63-pixel limit", fromJpeg.Error);
        Assert.Equal("failed", fromPng.Status);
        Assert.Contains("limit 63 pixels", fromPng.Error);
    }

    [Fact]
    public void A_raw_frame_that_happens_to_start_like_a_jpeg_is_still_raw_when_its_size_says_so()
    {
        var raw = Classifier.Frame(5);
        raw[0] = 0xFF;
        raw[1] = 0xD8;
        raw[2] = 0xFF;
        var image = ImageDecoder.Decode(raw, 8, 8);
        Assert.Equal(raw, image.Pixels);
        Assert.Throws<JpegFormatException>(() => ImageDecoder.Decode(raw, 4, 4));
    }

    [Fact]
    public async Task A_progressive_jpeg_fails_the_run_saying_to_re_encode()
    {
        await using var edge = new EdgeHarness(models.Directory);
        await edge.ActivateAsync("defects", "1", Templates.DefectCheck());
        // SOI, then a SOF2 header for an 8x8 grayscale frame: the decoder must stop at the frame type.
        byte[] progressive = [0xFF, 0xD8, 0xFF, 0xC2, 0x00, 0x0B, 0x08, 0x00, 0x08, 0x00, 0x08, 0x01, 0x01, 0x11, 0x00, 0xFF, 0xD9];
        var outcome = await edge.Runner.RunAsync("defects", new JsonObject { ["frame"] = Convert.ToBase64String(progressive) }, CancellationToken.None);
        Assert.Equal("failed", outcome.Status);
        Assert.Contains("progressive (SOF2) is not supported", outcome.Error);
    }
}
