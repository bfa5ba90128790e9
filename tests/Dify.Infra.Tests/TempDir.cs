namespace Dify.Infra.Tests;

/// <summary>A scratch folder removed on dispose.</summary>
public sealed class TempDir : IDisposable
{
    public TempDir()
    {
        Root = Directory.CreateTempSubdirectory("dify-infra-").FullName;
    }

    public string Root { get; }

    public string Path(string relative) => System.IO.Path.Combine(Root, relative);

    public string Write(string relative, string content)
    {
        var path = Path(relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
