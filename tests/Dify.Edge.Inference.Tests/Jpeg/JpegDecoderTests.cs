using System.Diagnostics;
using Dify.Edge.Inference.Imaging;

namespace Dify.Edge.Inference.Tests.Jpeg;

/// <summary>
/// Our decoder against PIL (libjpeg-turbo, default settings: accurate integer IDCT and fancy upsampling) on the
/// same files. The contract is a max abs difference of 2 per channel; since the decoder reproduces libjpeg's
/// arithmetic the measured difference is 0, and the first test also pins that so a drift shows up.
/// </summary>
[Collection(JpegSamplesCollection.Name)]
public sealed class JpegDecoderTests(JpegSamplesFixture samples)
{
    private const int Tolerance = 2;

    private static (int Max, int At) MaxDifference(byte[] expected, byte[] actual)
    {
        var (max, at) = (0, -1);
        for (var i = 0; i < expected.Length; i++)
        {
            var diff = Math.Abs(expected[i] - actual[i]);
            if (diff > max) (max, at) = (diff, i);
        }

        return (max, at);
    }

    private void AssertMatchesPil(string name)
    {
        var sample = samples.Sample(name);
        var image = JpegDecoder.Decode(samples.Jpeg(name));
        Assert.Equal((sample.Width, sample.Height), (image.Width, image.Height));
        var reference = samples.Reference(name);
        Assert.Equal(reference.Length, image.Rgb.Length);
        var (max, at) = MaxDifference(reference, image.Rgb);
        Assert.True(max <= Tolerance, $"{name}: max abs diff {max} at pixel ({at / 3 % sample.Width}, {at / 3 / sample.Width}) channel {at % 3}");
    }

    [Fact]
    public void Every_decodable_sample_matches_pil_exactly()
    {
        var decodable = samples.Samples.Where(s => s.Expect == "pixels").ToArray();
        Assert.True(decodable.Length >= 40, $"the corpus shrank to {decodable.Length} files");
        var worst = decodable
            .Select(s => (s.Name, Diff: MaxDifference(samples.Reference(s.Name), JpegDecoder.Decode(samples.Jpeg(s.Name)).Rgb).Max))
            .Where(r => r.Diff > 0)
            .ToArray();
        Assert.True(worst.Length == 0, "differs from libjpeg: " + string.Join(", ", worst.Select(w => $"{w.Name} ({w.Diff})")));
    }

    [Theory]
    [InlineData("photo_q50_444")]
    [InlineData("photo_q50_422")]
    [InlineData("photo_q50_420")]
    [InlineData("photo_q90_444")]
    [InlineData("photo_q90_422")]
    [InlineData("photo_q90_420")]
    [InlineData("photo_q100_444")]
    [InlineData("photo_q100_422")]
    [InlineData("photo_q100_420")]
    public void Quality_and_chroma_subsampling(string name) => AssertMatchesPil(name);

    [Theory]
    [InlineData("odd_17x13_420")]
    [InlineData("odd_17x13_422")]
    [InlineData("odd_1x1_420")]
    [InlineData("odd_1x1_444")]
    [InlineData("odd_33x65_420")]
    [InlineData("odd_33x65_422")]
    [InlineData("odd_2x2_420")]
    [InlineData("odd_3x5_420")]
    [InlineData("odd_5x3_422")]
    [InlineData("odd_31x1_420")]
    [InlineData("odd_1x31_420")]
    public void Odd_sizes_with_partial_mcus(string name) => AssertMatchesPil(name);

    [Theory]
    [InlineData("gray_33x65")]
    [InlineData("gray_q100_64x48")]
    public void Grayscale_comes_out_as_equal_rgb_channels(string name)
    {
        AssertMatchesPil(name);
        var rgb = JpegDecoder.Decode(samples.Jpeg(name)).Rgb;
        for (var i = 0; i < rgb.Length; i += 3) Assert.True(rgb[i] == rgb[i + 1] && rgb[i] == rgb[i + 2], $"pixel {i / 3} is not gray");
    }

    [Theory]
    [InlineData("restart1_420")]
    [InlineData("restart2_422")]
    [InlineData("restart3_444_fill")]
    public void Restart_intervals_fill_bytes_and_comments(string name) => AssertMatchesPil(name);

    [Theory]
    [InlineData("own_440")]
    [InlineData("own_411")]
    [InlineData("own_420_three_scans")]
    [InlineData("own_420_three_scans_restart5")]
    public void Vertical_and_4_to_1_subsampling_and_one_scan_per_component(string name) => AssertMatchesPil(name);

    [Theory]
    [InlineData("optimized_420")]
    [InlineData("exif_comment_420")]
    [InlineData("dqt16_sof1_444")]
    [InlineData("adobe_rgb_444")]
    [InlineData("photo_1280x720_420")]
    public void Custom_tables_sof1_exif_and_adobe_rgb(string name) => AssertMatchesPil(name);

    [Fact]
    public void The_sof1_sample_really_uses_16_bit_tables_and_the_adobe_sample_really_is_rgb()
    {
        var sof1 = samples.Jpeg("dqt16_sof1_444");
        var dqt = sof1.AsSpan().IndexOf([(byte)0xFF, (byte)0xDB]);
        Assert.Equal(0x10, sof1[dqt + 4] & 0xF0);
        Assert.True(sof1.AsSpan().IndexOf([(byte)0xFF, (byte)0xC1]) > 0);

        // Decoding the Adobe file as YCbCr would turn its gray-ish "RGB" planes into strong colours.
        var adobe = samples.Jpeg("adobe_rgb_444");
        Assert.True(adobe.AsSpan().IndexOf("Adobe"u8) > 0);
        Assert.True(adobe.AsSpan().IndexOf("JFIF"u8) < 0);
    }

    [Theory]
    [InlineData("progressive", "progressive (SOF2)")]
    [InlineData("cmyk", "CMYK")]
    public void Unsupported_frame_types_say_which(string name, string expected)
    {
        var error = Assert.Throws<NotSupportedException>(() => JpegDecoder.Decode(samples.Jpeg(name)));
        Assert.Contains(expected, error.Message);
        Assert.Contains("not supported", error.Message);
    }

    [Theory]
    [InlineData(0xC3, "lossless (SOF3)")]
    [InlineData(0xC5, "hierarchical (SOF5)")]
    [InlineData(0xC9, "arithmetic coding (SOF9)")]
    [InlineData(0xCA, "arithmetic coding (SOF10)")]
    public void Other_frame_types_are_named_in_the_refusal(byte marker, string expected)
    {
        var data = (byte[])samples.Jpeg("photo_q90_420").Clone();
        data[data.AsSpan().IndexOf([(byte)0xFF, (byte)0xC0]) + 1] = marker;
        var error = Assert.Throws<NotSupportedException>(() => JpegDecoder.Decode(data));
        Assert.Contains(expected, error.Message);
        Assert.Contains("re-encode as baseline", error.Message);
    }

    [Fact]
    public void Twelve_bit_samples_are_refused()
    {
        var data = (byte[])samples.Jpeg("dqt16_sof1_444").Clone();
        data[data.AsSpan().IndexOf([(byte)0xFF, (byte)0xC1]) + 4] = 12;
        Assert.Contains("12-bit", Assert.Throws<NotSupportedException>(() => JpegDecoder.Decode(data)).Message);
    }

    [Fact]
    public void A_restart_marker_out_of_sequence_names_its_offset()
    {
        var data = (byte[])samples.Jpeg("restart1_420").Clone();
        var second = data.AsSpan().IndexOf([(byte)0xFF, (byte)0xD1]);
        Assert.True(second > 0, "the sample has no RST1");
        data[second + 1] = 0xD3;
        var error = Assert.Throws<JpegFormatException>(() => JpegDecoder.Decode(data));
        Assert.Contains("expected restart marker RST1, found 0xFFD3", error.Message);
        Assert.Equal(second, error.Offset);
    }

    [Fact]
    public void A_scan_using_an_undefined_huffman_table_says_which()
    {
        var data = (byte[])samples.Jpeg("photo_q90_420").Clone();
        var sos = data.AsSpan().IndexOf([(byte)0xFF, (byte)0xDA]);
        data[sos + 6] = 0x33; // first component: DC table 3, AC table 3, never defined
        Assert.Contains("DC Huffman table 3, which was never defined", Assert.Throws<JpegFormatException>(() => JpegDecoder.Decode(data)).Message);
    }

    [Theory]
    [InlineData("truncated_half")]
    [InlineData("truncated_header")]
    [InlineData("truncated_no_eoi_mid_scan")]
    public void Truncated_files_fail_naming_the_offset(string name)
    {
        var data = samples.Jpeg(name);
        var error = Assert.Throws<JpegFormatException>(() => JpegDecoder.Decode(data));
        Assert.Contains("truncated", error.Message);
        Assert.InRange(error.Offset, 0, data.Length);
        Assert.Contains($"offset {error.Offset}", error.Message);
    }

    [Fact]
    public void Every_truncation_and_every_flipped_byte_fails_cleanly_or_decodes()
    {
        // Each prefix and many single-byte corruptions: only JpegFormatException / NotSupportedException may escape,
        // never IndexOutOfRange or a hang.
        var data = samples.Jpeg("restart2_422");
        var watch = Stopwatch.StartNew();
        for (var length = 0; length < data.Length - 2; length++)
        {
            var prefix = data[..length];
            Assert.ThrowsAny<FormatException>(() => JpegDecoder.Decode(prefix));
        }

        // Only the EOI missing: every scan is complete, so the image decodes (libjpeg accepts it with a warning).
        Assert.Equal(JpegDecoder.Decode(data).Rgb, JpegDecoder.Decode(data[..^2]).Rgb);

        var random = new Random(7);
        for (var trial = 0; trial < 3000; trial++)
        {
            var corrupt = (byte[])samples.Jpeg(trial % 2 == 0 ? "restart2_422" : "photo_q90_420").Clone();
            corrupt[random.Next(corrupt.Length)] = (byte)random.Next(256);
            if (trial % 3 == 0) corrupt[random.Next(corrupt.Length)] = 0xFF;
            try
            {
                var image = JpegDecoder.Decode(corrupt);
                Assert.Equal(image.Width * image.Height * 3, image.Rgb.Length);
            }
            catch (Exception e) when (e is FormatException or NotSupportedException)
            {
            }
        }

        Assert.True(watch.Elapsed < TimeSpan.FromMinutes(2), "decoding corrupt data is stuck");
    }

    [Fact]
    public void Dimensions_over_the_pixel_limit_are_refused_before_allocating()
    {
        var data = samples.Jpeg("photo_q90_420");
        var limited = new JpegDecoderOptions { MaxPixels = (64 * 48) - 1 };
        var error = Assert.Throws<JpegFormatException>(() => JpegDecoder.Decode(data, limited));
        Assert.Contains("64x48", error.Message);
        Assert.Contains("limit", error.Message);
        Assert.Equal(64, JpegDecoder.Decode(data, new JpegDecoderOptions { MaxPixels = 64 * 48 }).Width);

        // A header claiming 65535x65535 fails on the default limit without trying to allocate 12 GB.
        var huge = (byte[])data.Clone();
        var sof = huge.AsSpan().IndexOf([(byte)0xFF, (byte)0xC0]);
        huge[sof + 5] = huge[sof + 6] = huge[sof + 7] = huge[sof + 8] = 0xFF;
        Assert.Contains("65535x65535", Assert.Throws<JpegFormatException>(() => JpegDecoder.Decode(huge)).Message);
    }

    [Fact]
    public void Sniffing_needs_soi_followed_by_a_marker()
    {
        Assert.True(JpegDecoder.IsJpeg(samples.Jpeg("odd_1x1_444")));
        Assert.False(JpegDecoder.IsJpeg([0xFF, 0xD8]));
        Assert.False(JpegDecoder.IsJpeg([0x89, (byte)'P', (byte)'N', (byte)'G']));
        Assert.Equal(0, Assert.Throws<JpegFormatException>(() => JpegDecoder.Decode([1, 2, 3])).Offset);
    }
}
