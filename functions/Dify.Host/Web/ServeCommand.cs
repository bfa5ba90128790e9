using Dify.Host.Cli;
using Microsoft.Extensions.Configuration;

namespace Dify.Host.Web;

/// <summary>`serve [--urls URLS] [--data DIR]`: runs the HTTP host until Ctrl+C / SIGTERM.</summary>
public static class ServeCommand
{
    public const string Usage = "serve [--urls http://127.0.0.1:7071] [--data DIR]";

    public static async Task<int> ExecuteAsync(CliArguments args, IConfiguration configuration, TextWriter stderr, CancellationToken cancellationToken)
    {
        if (args.Positionals.Count != 0) throw new CliUsageException("serve takes no positional arguments");
        var urls = args.Get("urls") ?? configuration["Urls"] ?? DifyWebHost.DefaultUrls;
        await using var host = await DifyWebHost.StartAsync(args.Get("data") ?? ".dify", configuration, urls, stderr, cancellationToken);
        await stderr.WriteLineAsync($"Dify Functions listening on {host.BaseAddress} (data: {host.DataDirectory}); Ctrl+C to stop");
        await host.WaitForShutdownAsync(cancellationToken);
        return 0;
    }
}
