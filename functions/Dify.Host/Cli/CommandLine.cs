using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Dify.Host.Cli;

/// <summary>Dispatches the host's commands. Configuration: appsettings.json, environment variables (Models__Default__Endpoint), then --Key=value.</summary>
public static class CommandLine
{
    private static readonly HashSet<string> Switches = ["stream"];
    private static readonly HashSet<string> Valued = ["inputs", "query", "data", "run-id", "user", "conversation-id"];

    public static async Task<int> RunAsync(string[] args, TextWriter? stdout = null, TextWriter? stderr = null, CancellationToken cancellationToken = default)
    {
        stdout ??= Console.Out;
        stderr ??= Console.Error;
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            await stderr.WriteLineAsync("usage: Dify.Host " + RunCommand.Usage);
            return args.Length == 0 ? 2 : 0;
        }
        var configuration = new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables()
            .Build();
        // Logs go to stderr: stdout carries the run's JSON output.
        using var loggers = LoggerFactory.Create(b =>
        {
            b.AddConfiguration(configuration.GetSection("Logging")).AddSimpleConsole(o => o.SingleLine = true).AddFilter(level => level >= LogLevel.Warning);
            b.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        });
        try
        {
            switch (args[0])
            {
                case "run":
                    return await RunCommand.ExecuteAsync(CliArguments.Parse(args.Skip(1), Switches, Valued), configuration, loggers, stdout, stderr, cancellationToken);
                default:
                    await stderr.WriteLineAsync($"error: unknown command '{args[0]}'\nusage: Dify.Host {RunCommand.Usage}");
                    return 2;
            }
        }
        catch (CliUsageException ex)
        {
            await stderr.WriteLineAsync($"error: {ex.Message}\nusage: Dify.Host {RunCommand.Usage}");
            return 2;
        }
    }
}
