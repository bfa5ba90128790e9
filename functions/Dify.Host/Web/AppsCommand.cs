using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dify.Api.Apps;
using Dify.Host.Cli;
using Dify.Host.Composition;
using Dify.Storage.Sqlite;
using Dify.Workflows.Dsl;
using Dify.Workflows.Engine;
using Dify.Workflows.Engine.Definition;
using Dify.Workflows.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Dify.Host.Web;

/// <summary>
/// `apps import FILE | apps list | apps export ID` [--data DIR]: manages the served apps in the data
/// folder directly (a running server picks new apps up on first use). Import prints
/// <c>{"app_id","api_key"}</c>; the key is shown only this once.
/// </summary>
public static class AppsCommand
{
    public const string Usage = "apps import FILE | apps list | apps export APP_ID  [--data DIR]";

    private static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static async Task<int> ExecuteAsync(CliArguments args, IConfiguration configuration, ILoggerFactory loggers, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        if (args.Positionals.Count == 0) throw new CliUsageException("apps needs a subcommand: import, list or export");
        var data = Path.GetFullPath(args.Get("data") ?? ".dify");
        Directory.CreateDirectory(data);
        var db = await SqliteApiDatabase.OpenAsync(data, cancellationToken);
        await using var adapters = await LocalAdapters.CreateAsync(data, configuration, loggers, cancellationToken);
        var loader = new WorkflowAppLoader(new DslImporter(), new WorkflowCompiler(new NodeExecutorRegistry(adapters.Executors)));
        var registry = new AppRegistry(new SqliteAppStore(db), new SqliteApiKeyStore(db), loader, new WorkflowCatalog(), TimeProvider.System, loggers.CreateLogger<AppRegistry>());

        switch (args.Positionals[0])
        {
            case "import" when args.Positionals.Count == 2:
            {
                var file = args.Positionals[1];
                if (!File.Exists(file)) { await stderr.WriteLineAsync($"error: {file}: no such file"); return 2; }
                var result = await registry.ImportAsync(await File.ReadAllTextAsync(file, cancellationToken), cancellationToken);
                if (result.App is null)
                {
                    await stderr.WriteLineAsync("error: " + result.Error.Replace("\n", "\nerror: "));
                    return 2;
                }
                if (result.Error.Length > 0) await stderr.WriteLineAsync(result.Error);
                var (_, token) = await registry.CreateKeyAsync(result.App.Id, cancellationToken);
                await stdout.WriteLineAsync(new JsonObject { ["app_id"] = result.App.Id, ["api_key"] = token }.ToJsonString(Json));
                return 0;
            }
            case "list" when args.Positionals.Count == 1:
            {
                var list = new JsonArray();
                foreach (var app in await registry.ListAsync(cancellationToken))
                    list.Add(new JsonObject { ["id"] = app.Id, ["name"] = app.Name, ["mode"] = app.Mode, ["created_at"] = app.CreatedAt.ToUnixTimeSeconds() });
                await stdout.WriteLineAsync(list.ToJsonString(Json));
                return 0;
            }
            case "export" when args.Positionals.Count == 2:
            {
                var app = await registry.GetAsync(args.Positionals[1], cancellationToken);
                if (app is null) { await stderr.WriteLineAsync($"error: no app {args.Positionals[1]}"); return 2; }
                await stdout.WriteAsync(new DslExporter().Export(app.Definition.Document));
                return 0;
            }
            default:
                throw new CliUsageException("apps import FILE | apps list | apps export APP_ID");
        }
    }
}
