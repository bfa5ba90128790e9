using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Dify.Edge.Hosting;
using Dify.Edge.Inference;

namespace Dify.Edge.Tests;

/// <summary>Docker cannot run here: the deployment files are checked for consistency with each other and with the code.</summary>
public sealed partial class ManifestTests
{
    private static readonly string EdgeModule = Path.Combine(ModelsFixture.RepositoryRoot(), "edge-module");

    private static JsonObject Read(string name) => JsonNode.Parse(File.ReadAllText(Path.Combine(EdgeModule, name)))!.AsObject();

    [GeneratedRegex(@"^FROM (?<from>\S+)( WHERE .+)? INTO (?<into>.+)$")]
    private static partial Regex Route();

    [Fact]
    public void The_module_its_routes_and_its_create_options_agree()
    {
        var manifest = Read("deployment.template.json")["modulesContent"]!;
        var agent = manifest["$edgeAgent"]!["properties.desired"]!;
        Assert.Equal("1.1", (string)agent["schemaVersion"]!);
        var modules = agent["modules"]!.AsObject();
        var dify = modules[ModuleEndpoints.ModuleName]!;
        Assert.Equal("${MODULES." + ModuleEndpoints.ModuleName + "}", (string)dify["settings"]!["image"]!);
        Assert.Equal("running", (string)dify["status"]!);
        Assert.True((int)dify["startupOrder"]! > (int)agent["systemModules"]!["edgeHub"]!["startupOrder"]!);

        // The bind mount lands where the module keeps its data, and env names bind to real options.
        var env = dify["env"]!.AsObject().ToDictionary(p => p.Key, p => (string)p.Value!["value"]!);
        var create = dify["settings"]!["createOptions"]!;
        var bind = ((string)create["HostConfig"]!["Binds"]![0]!).Split(':');
        Assert.Equal(env["Edge__DataDirectory"], bind[1]);
        Assert.StartsWith(env["Edge__DataDirectory"] + "/", env["Edge__InputDirectory"], StringComparison.Ordinal);
        foreach (var key in env.Keys)
        {
            var (section, property) = (key.Split("__")[0], key.Split("__")[1]);
            var type = section switch { "Edge" => typeof(EdgeOptions), "Inference" => typeof(InferenceOptions), _ => null };
            Assert.True(type?.GetProperty(property) is not null, $"env {key} binds to nothing");
        }

        // GPU request in the form edgeAgent round-trips; the provider asks for CUDA.
        var request = create["HostConfig"]!["DeviceRequests"]![0]!;
        Assert.Equal(-1, (int)request["Count"]!);
        Assert.Equal("gpu", (string)request["Capabilities"]![0]![0]!);
        Assert.Equal("cuda", env["Inference__ExecutionProvider"]);
        Assert.True(create.ToJsonString().Length < 4096, "createOptions beyond one twin value need createOptions01..");

        // Routes: well formed; every module named is deployed here (or is the documented camera producer); the module's
        // output goes upstream and the camera feeds the module's frames input.
        var hub = manifest["$edgeHub"]!["properties.desired"]!;
        Assert.True((int)hub["storeAndForwardConfiguration"]!["timeToLiveSecs"]! >= 7200);
        var routes = hub["routes"]!.AsObject().Select(r => (string)r.Value!["route"]!).ToList();
        foreach (var route in routes)
        {
            var match = Route().Match(route);
            Assert.True(match.Success, route);
            var from = Regex.Match(match.Groups["from"].Value, "^/messages/modules/(?<m>[^/]+)/outputs/(?<o>.+)$");
            Assert.True(from.Success, route);
            Assert.True(modules.ContainsKey(from.Groups["m"].Value) || from.Groups["m"].Value == "camera", route);
            var into = match.Groups["into"].Value;
            if (into != "$upstream")
            {
                var target = Regex.Match(into, "^BrokeredEndpoint\\(\"/modules/(?<m>[^/]+)/inputs/(?<i>[^\"]+)\"\\)$");
                Assert.True(target.Success && modules.ContainsKey(target.Groups["m"].Value), route);
            }
        }

        Assert.Contains($"FROM /messages/modules/{ModuleEndpoints.ModuleName}/outputs/{ModuleEndpoints.EventsOutput} INTO $upstream", routes);
        Assert.Contains(routes, r => r.EndsWith($"INTO BrokeredEndpoint(\"/modules/{ModuleEndpoints.ModuleName}/inputs/{ModuleEndpoints.FramesInput}\")", StringComparison.Ordinal));

        // The module twin starts with an empty template set.
        Assert.NotNull(manifest[ModuleEndpoints.ModuleName]!["properties.desired"]!["templates"]);
    }

    [Fact]
    public void Module_json_names_dockerfiles_that_exist_and_build_from_the_repository_root()
    {
        var module = Read("module.json");
        Assert.Equal("../", (string)module["image"]!["contextPath"]!);
        var platforms = module["image"]!["tag"]!["platforms"]!.AsObject();
        Assert.Contains("amd64", platforms.Select(p => p.Key));
        foreach (var (_, file) in platforms)
        {
            var path = Path.Combine(EdgeModule, (string)file!);
            Assert.True(File.Exists(path), path);
            var text = File.ReadAllText(path);
            Assert.Contains("ENTRYPOINT [\"dotnet\", \"Dify.Edge.dll\"]", text);
            Assert.Contains("USER ", text);
            Assert.Contains("Inference__RuntimePath=", text);
            // Every COPY source exists relative to the context (the repository root).
            foreach (Match copy in Regex.Matches(text, @"^COPY (?!--from)(?<src>.+) (?<dst>\S+)$", RegexOptions.Multiline))
                foreach (var src in copy.Groups["src"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                    Assert.True(Path.Exists(Path.Combine(ModelsFixture.RepositoryRoot(), src)), $"{file}: COPY {src}");
        }
    }
}
