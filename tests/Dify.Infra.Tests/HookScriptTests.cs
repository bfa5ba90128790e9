using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Dify.Infra.Tests;

/// <summary>
/// Runs the bash hooks for real against stub <c>az</c>, <c>docker</c>, <c>curl</c> and <c>sleep</c> commands that log
/// their arguments, so the skip paths, the webhook URL and the deployment manifest substitution are checked
/// without Azure.
/// </summary>
public sealed partial class HookScriptTests : IDisposable
{
    private readonly TempDir _dir = new();

    public HookScriptTests()
    {
        foreach (var hook in new[] { "postdeploy.sh", "postprovision.sh" })
            _dir.Write($"infra/hooks/{hook}", Repo.Read($"infra/hooks/{hook}"));
        Stub("az", """
            echo "az $*" >>"$STUB_LOG"
            case "$*" in
              "functionapp keys list"*) printf '%s\n' "${STUB_BLOB_KEY:-}" ;;
              "iot hub device-identity show"*) exit 1 ;;
              "iot edge set-modules"*)
                while [ $# -gt 0 ]; do [ "$1" = "--content" ] && cp "$2" "$STUB_MANIFEST"; shift; done ;;
              "keyvault secret show"*)
                if [ -n "${STUB_SECRET_EXISTS:-}" ]; then echo id; else echo "(SecretNotFound) A secret with (name/id) x was not found" >&2; exit 1; fi ;;
            esac
            exit 0
            """);
        Stub("docker", "exit 1");
        Stub("curl", "exit 0");
        Stub("sleep", "exit 0");
    }

    public void Dispose() => _dir.Dispose();

    private string Log => _dir.Path("az.log");

    private string Manifest => _dir.Path("manifest.json");

    private void Stub(string name, string body)
    {
        var path = _dir.Write($"stubs/{name}", "#!/usr/bin/env bash\n" + body + "\n");
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    private (int Code, string Out, string Err) Run(string hook, Dictionary<string, string> env)
    {
        var start = new ProcessStartInfo("bash", [_dir.Path($"infra/hooks/{hook}")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = _dir.Root,
        };
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("AZURE_", StringComparison.Ordinal) || k.StartsWith("EDGE_", StringComparison.Ordinal)
                     || k is "IOT_EDGE_DEVICE_ID" or "ADMIN_API_KEY" or "BLOB_TRIGGER_FUNCTION_NAME" or "SERVICE_FUNCTIONS_URI").ToList())
            start.Environment.Remove(name);
        start.Environment["PATH"] = _dir.Path("stubs") + ":" + Environment.GetEnvironmentVariable("PATH");
        start.Environment["STUB_LOG"] = Log;
        start.Environment["STUB_MANIFEST"] = Manifest;
        foreach (var (k, v) in env)
            start.Environment[k] = v;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(60_000), "hook did not finish in 60 s");
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    private static Dictionary<string, string> Outputs(params (string, string)[] extra)
    {
        var env = new Dictionary<string, string>
        {
            ["AZURE_RESOURCE_GROUP"] = "rg-test",
            ["AZURE_FUNCTION_APP_NAME"] = "func-abc",
            ["SERVICE_FUNCTIONS_URI"] = "https://func-abc.azurewebsites.net",
            ["AZURE_EVENTGRID_SYSTEM_TOPIC_NAME"] = "evgst-abc",
            ["AZURE_DOCUMENTS_CONTAINER_NAME"] = "documents",
            ["AZURE_TEMPLATES_CONTAINER_NAME"] = "templates",
            ["AZURE_CONTAINER_REGISTRY_NAME"] = "crabc",
            ["AZURE_CONTAINER_REGISTRY_ENDPOINT"] = "crabc.azurecr.io",
            ["AZURE_IOT_HUB_NAME"] = "iot-abc",
            ["STUB_BLOB_KEY"] = "blobkey==",
        };
        foreach (var (k, v) in extra)
            env[k] = v;
        return env;
    }

    [Fact]
    public void Postdeploy_subscribes_documents_and_templates_and_skips_edge_without_a_device()
    {
        var (code, stdout, stderr) = Run("postdeploy.sh", Outputs());
        Assert.True(code == 0, stderr);
        Assert.Contains("IOT_EDGE_DEVICE_ID is not set: skipping the IoT Edge module", stdout, StringComparison.Ordinal);
        var log = File.ReadAllText(Log);
        Assert.Contains("az eventgrid system-topic event-subscription create --name documents-blob-created --resource-group rg-test --system-topic-name evgst-abc --endpoint-type webhook "
            + "--endpoint https://func-abc.azurewebsites.net/runtime/webhooks/blobs?functionName=Host.Functions.IngestDocument&code=blobkey== "
            + "--included-event-types Microsoft.Storage.BlobCreated --subject-begins-with /blobServices/default/containers/documents/blobs/", log, StringComparison.Ordinal);
        Assert.Contains("az eventgrid system-topic event-subscription create --name templates-blob-created --resource-group rg-test --system-topic-name evgst-abc --endpoint-type webhook "
            + "--endpoint https://func-abc.azurewebsites.net/runtime/webhooks/blobs?functionName=Host.Functions.ImportTemplate&code=blobkey== "
            + "--included-event-types Microsoft.Storage.BlobCreated --subject-begins-with /blobServices/default/containers/templates/blobs/", log, StringComparison.Ordinal);
        Assert.Equal(2, Regex.Matches(log, "event-subscription create").Count);
        Assert.Single(Regex.Matches(log, "functionapp keys list")); // one key serves both subscriptions
        Assert.DoesNotContain("iot ", log, StringComparison.Ordinal);
        Assert.DoesNotContain("acr ", log, StringComparison.Ordinal);
    }

    [Fact]
    public void Postdeploy_warns_and_goes_on_when_the_app_has_no_blob_trigger_yet()
    {
        var (code, stdout, stderr) = Run("postdeploy.sh", Outputs(("STUB_BLOB_KEY", ""), ("BLOB_TRIGGER_FUNCTION_NAME", "Ingest")));
        Assert.True(code == 0, stderr);
        Assert.Contains("no blobs_extension system key on func-abc", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("event-subscription create", File.ReadAllText(Log), StringComparison.Ordinal);
    }

    [Fact]
    public void Postdeploy_skips_edge_when_the_edge_module_files_are_absent()
    {
        var (code, stdout, stderr) = Run("postdeploy.sh", Outputs(("IOT_EDGE_DEVICE_ID", "camera-01")));
        Assert.True(code == 0, stderr);
        Assert.Contains("edge-module/Dockerfile or edge-module/deployment.template.json does not exist yet: skipping", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("iot edge", File.ReadAllText(Log), StringComparison.Ordinal);
    }

    [Fact]
    public void Postdeploy_builds_the_image_and_applies_the_filled_manifest()
    {
        _dir.Write("edge-module/Dockerfile", "FROM scratch\n");
        _dir.Write("edge-module/deployment.template.json", """
            {"modulesContent":{"$edgeAgent":{"properties.desired":{
              "runtime":{"settings":{"registryCredentials":{"acr":{
                "address":"${CONTAINER_REGISTRY_ADDRESS}","username":"${CONTAINER_REGISTRY_USERNAME}","password":"${CONTAINER_REGISTRY_PASSWORD}"}}}},
              "modules":{"difyedge":{"settings":{"image":"${MODULES.difyedge}"}}}}}}}
            """);
        var (code, stdout, stderr) = Run("postdeploy.sh", Outputs(("IOT_EDGE_DEVICE_ID", "camera-01"), ("EDGE_IMAGE_TAG", "t1"),
            ("EDGE_REGISTRY_USERNAME", "app-id"), ("EDGE_REGISTRY_PASSWORD", "p&\"w\\d~")));
        Assert.True(code == 0, stderr + stdout);
        var log = File.ReadAllText(Log);
        Assert.Contains("az acr build --registry crabc --platform linux/amd64 --file edge-module/Dockerfile --image dify-edge:t1 .", log, StringComparison.Ordinal);
        Assert.Contains("az iot hub device-identity create --hub-name iot-abc --device-id camera-01 --edge-enabled", log, StringComparison.Ordinal);
        Assert.Contains("az iot edge set-modules --hub-name iot-abc --device-id camera-01 --content ", log, StringComparison.Ordinal);
        using var manifest = JsonDocument.Parse(File.ReadAllText(Manifest));
        var desired = manifest.RootElement.GetProperty("modulesContent").GetProperty("$edgeAgent").GetProperty("properties.desired");
        var credentials = desired.GetProperty("runtime").GetProperty("settings").GetProperty("registryCredentials").GetProperty("acr");
        Assert.Equal("crabc.azurecr.io", credentials.GetProperty("address").GetString());
        Assert.Equal("app-id", credentials.GetProperty("username").GetString());
        Assert.Equal("p&\"w\\d~", credentials.GetProperty("password").GetString());
        Assert.Equal("crabc.azurecr.io/dify-edge:t1",
            desired.GetProperty("modules").GetProperty("difyedge").GetProperty("settings").GetProperty("image").GetString());
        Assert.Contains("applied edge-module/deployment.template.json (crabc.azurecr.io/dify-edge:t1) to IoT Edge device 'camera-01'", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Postdeploy_refuses_a_manifest_with_placeholders_it_cannot_fill()
    {
        _dir.Write("edge-module/Dockerfile", "FROM scratch\n");
        _dir.Write("edge-module/deployment.template.json", """{"image":"${MODULES.difyedge}","x":"${SOMETHING_ELSE}"}""");
        var (code, _, stderr) = Run("postdeploy.sh", Outputs(("IOT_EDGE_DEVICE_ID", "camera-01"), ("EDGE_IMAGE_TAG", "t1")));
        Assert.NotEqual(0, code);
        Assert.Contains("${SOMETHING_ELSE}", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("iot edge set-modules", File.ReadAllText(Log), StringComparison.Ordinal);
    }

    [Fact]
    public void Postprovision_generates_the_admin_key_once()
    {
        var env = new Dictionary<string, string> { ["AZURE_KEY_VAULT_NAME"] = "kv-abc", ["ADMIN_API_KEY_SECRET_NAME"] = "admin-api-key" };
        var (code, stdout, stderr) = Run("postprovision.sh", env);
        Assert.True(code == 0, stderr);
        Assert.Matches(SecretSetRegex(), File.ReadAllText(Log));
        Assert.Contains("generated the admin API key", stdout, StringComparison.Ordinal);

        File.Delete(Log);
        env["STUB_SECRET_EXISTS"] = "1";
        (code, stdout, stderr) = Run("postprovision.sh", env);
        Assert.True(code == 0, stderr);
        Assert.Contains("keeping it", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("secret set", File.ReadAllText(Log), StringComparison.Ordinal);

        File.Delete(Log);
        env["ADMIN_API_KEY"] = "given";
        (code, stdout, _) = Run("postprovision.sh", env);
        Assert.Equal(0, code);
        Assert.Contains("ADMIN_API_KEY is set", stdout, StringComparison.Ordinal);
        Assert.False(File.Exists(Log));
    }

    [GeneratedRegex(@"az keyvault secret set --vault-name kv-abc --name admin-api-key --value [0-9a-f]{64} ")]
    private static partial Regex SecretSetRegex();
}
