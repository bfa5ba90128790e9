using Dify.Host.Web;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Dify.Host.Cli;

/// <summary>Dispatches the host's commands. Configuration: appsettings.json, environment variables (Models__Default__Endpoint), then --Key=value.</summary>
public static class CommandLine
{
    private static readonly HashSet<string> Switches = ["stream"];
    private static readonly HashSet<string> Valued = ["inputs", "query", "data", "run-id", "user", "conversation-id", "urls", "dataset", "dataset-id", "top-k"];

    private static readonly string UsageText =
        $"usage: Dify.Host [{ServeCommand.Usage}]\n       Dify.Host {AppsCommand.Usage}\n       Dify.Host {RunCommand.Usage}\n       Dify.Host {KnowledgeCommand.Usage}";

    public static async Task<int> RunAsync(string[] args, TextWriter? stdout = null, TextWriter? stderr = null, CancellationToken cancellationToken = default)
    {
        stdout ??= Console.Out;
        stderr ??= Console.Error;
        if (args.Length > 0 && args[0] is "-h" or "--help" or "help")
        {
            await stderr.WriteLineAsync(UsageText);
            return 0;
        }
        // No command (or only options) serves the API.
        if (args.Length == 0 || args[0].StartsWith("--", StringComparison.Ordinal)) args = ["serve", .. args];
        var configuration = new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables()
            .Build();
        try
        {
            // serve logs through the web host; building a second logger factory would only slow its start.
            if (args[0] == "serve") return await ServeCommand.ExecuteAsync(CliArguments.Parse(args.Skip(1), Switches, Valued), configuration, stderr, cancellationToken);
            // Logs go to stderr: stdout carries the run's JSON output.
            using var loggers = LoggerFactory.Create(b =>
            {
                b.AddConfiguration(configuration.GetSection("Logging")).AddSimpleConsole(o => o.SingleLine = true).AddFilter(level => level >= LogLevel.Warning);
                b.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
            });
            switch (args[0])
            {
                case "apps":
                    return await AppsCommand.ExecuteAsync(CliArguments.Parse(args.Skip(1), Switches, Valued), configuration, loggers, stdout, stderr, cancellationToken);
                case "knowledge":
                    return await KnowledgeCommand.ExecuteAsync(CliArguments.Parse(args.Skip(1), Switches, Valued), configuration, loggers, stdout, stderr, cancellationToken);
                case "run":
                    return await RunCommand.ExecuteAsync(CliArguments.Parse(args.Skip(1), Switches, Valued), configuration, loggers, stdout, stderr, cancellationToken);
                default:
                    await stderr.WriteLineAsync($"error: unknown command '{args[0]}'\n{UsageText}");
                    return 2;
            }
        }
        catch (CliUsageException ex)
        {
            await stderr.WriteLineAsync($"error: {ex.Message}\n{UsageText}");
            return 2;
        }
    }
}
