namespace Dify.Host.Cli;

public static class CommandLine
{
    public static Task<int> RunAsync(string[] args)
    {
        Console.Error.WriteLine("usage: Dify.Host run APP.yml [--inputs JSON] [--query TEXT] [--stream] [--data DIR]");
        return Task.FromResult(2);
    }
}
