using System.Diagnostics;
using System.Text.Json;
using Dify.Testing;

namespace Dify.Edge.Inference.Tests.Jpeg;

/// <summary>One generated file: what the decoder should do with it.</summary>
public sealed record JpegSample(string Name, string Expect, int Width, int Height);

/// <summary>
/// The JPEG corpus from make_jpegs.py (Debian python3-pil + numpy), generated once per run, with PIL's
/// (libjpeg-turbo's) own decode of every file as the reference pixels.
/// </summary>
public sealed class JpegSamplesFixture : IDisposable
{
    private readonly TempDirectory folder = new("dify-jpeg-samples");

    public JpegSamplesFixture()
    {
        var script = Path.Combine(OrtFixture.RepositoryRoot(), "tests", "Dify.Edge.Inference.Tests", "Jpeg", "make_jpegs.py");
        var python = Environment.GetEnvironmentVariable("DIFY_PYTHON") ?? (File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3");
        var start = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(folder.Path);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{python} {script} failed ({process.ExitCode}); is python3-pil installed? {stderr}{stdout.Result}");
        }

        using var manifest = JsonDocument.Parse(File.ReadAllText(folder.Combine("manifest.json")));
        Samples = manifest.RootElement.EnumerateArray()
            .Select(e => new JpegSample(e.GetProperty("name").GetString()!, e.GetProperty("expect").GetString()!, e.GetProperty("width").GetInt32(), e.GetProperty("height").GetInt32()))
            .ToArray();
    }

    public IReadOnlyList<JpegSample> Samples { get; }

    public JpegSample Sample(string name) => Samples.Single(s => s.Name == name);

    public byte[] Jpeg(string name) => File.ReadAllBytes(folder.Combine(name + ".jpg"));

    /// <summary>PIL's decode of the same file, packed RGB.</summary>
    public byte[] Reference(string name) => File.ReadAllBytes(folder.Combine(name + ".rgb"));

    public void Dispose() => folder.Dispose();
}

[CollectionDefinition(Name)]
public sealed class JpegSamplesCollection : ICollectionFixture<JpegSamplesFixture>
{
    public const string Name = "jpeg samples";
}
