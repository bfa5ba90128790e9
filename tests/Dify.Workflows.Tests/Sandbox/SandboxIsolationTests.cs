using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Dify.Workflows.Sandbox;
using Xunit.Abstractions;

namespace Dify.Workflows.Tests.Sandbox;

[Collection(SandboxCollection.Name)]
public sealed class SandboxIsolationTests(SandboxFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task Python_cannot_connect_to_a_listening_local_port()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var accepted = listener.AcceptSocketAsync();
        var code = $$"""
            import socket
            def main():
                s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                s.settimeout(2)
                s.connect(("127.0.0.1", {{port}}))
                return {"connected": True}
            """;

        var e = await Assert.ThrowsAsync<CodeExecutionException>(() => fixture.RunAsync(CodeLanguage.Python3, code));

        output.WriteLine(e.Message);
        Assert.StartsWith("PermissionError:", e.Message);
        await Task.Delay(100);
        Assert.False(accepted.IsCompleted, "the sandbox reached the host's listener");
        output.WriteLine($"network namespace in use: {await fixture.Sandbox.UsesNetworkNamespaceAsync()}");
    }

    [Fact]
    public async Task Python_cannot_start_processes_or_load_native_code()
    {
        var errors = new List<string>();
        foreach (var code in new[]
        {
            "import os\ndef main():\n    os.system('true')\n    return {}",
            "import subprocess\ndef main():\n    subprocess.run(['true'])\n    return {}",
            "import _posixsubprocess\ndef main():\n    _posixsubprocess.fork_exec()\n    return {}",
            "import sys\ndef main():\n    sys.modules.pop('_posixsubprocess')\n    import _posixsubprocess\n    return {}",
            "import os\ndef main():\n    os.fork()\n    return {}",
            "import os\ndef main():\n    os.execv('/bin/true', ['true'])\n    return {}",
            "import ctypes\ndef main():\n    return {}",
            "import threading\ndef main():\n    threading.Thread(target=print).start()\n    return {}",
        })
        {
            var e = await Assert.ThrowsAsync<CodeExecutionException>(() => fixture.RunAsync(CodeLanguage.Python3, code));
            errors.Add(e.Message);
        }

        Assert.All(errors, m => Assert.Contains("sandbox:", m));
    }

    [Fact]
    public async Task Python_libraries_may_import_subprocess_as_long_as_they_run_nothing()
    {
        // sympy, requests and friends import subprocess at load time; Dify's sandbox allows that.
        var result = await fixture.RunAsync(CodeLanguage.Python3, "import subprocess, shutil\ndef main():\n    return {'ok': callable(subprocess.run)}");
        Assert.Equal("""{"ok":true}""", result!.ToJsonString());
    }

    [Fact]
    public async Task Python_cannot_write_outside_its_scratch_folder_but_can_inside()
    {
        var outside = Path.Combine(Path.GetTempPath(), "outside-" + Guid.NewGuid().ToString("N"));
        try
        {
            var e = await Assert.ThrowsAsync<CodeExecutionException>(() => fixture.RunAsync(CodeLanguage.Python3,
                $"def main():\n    with open({JsonValue.Create(outside).ToJsonString()}, 'w') as f:\n        f.write('x')\n    return {{}}"));

            Assert.StartsWith("PermissionError: sandbox: writing", e.Message);
            Assert.False(File.Exists(outside));

            var inside = await fixture.RunAsync(CodeLanguage.Python3,
                "import os, tempfile\ndef main():\n    open('note.txt', 'w').write('hi')\n    with tempfile.TemporaryFile() as t:\n        t.write(b'x')\n    return {'read': open('note.txt').read()}");
            Assert.Equal("""{"read":"hi"}""", inside!.ToJsonString());
        }
        finally
        {
            File.Delete(outside);
        }
    }

    [Fact]
    public async Task Python_cannot_read_host_files()
    {
        var e = await Assert.ThrowsAsync<CodeExecutionException>(() =>
            fixture.RunAsync(CodeLanguage.Python3, "def main():\n    return {'p': open('/etc/passwd').read()}"));

        Assert.StartsWith("PermissionError: sandbox: reading", e.Message);
    }

    [Fact]
    public async Task Host_environment_variables_are_not_visible()
    {
        var name = "DIFY_SANDBOX_SECRET_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(name, "hunter2");
        // A fresh sandbox, so its workers start after the variable is set.
        await using var sandbox = new Dify.Workflows.Sandbox.Local.LocalCodeSandbox(new());
        try
        {
            var python = await sandbox.ExecuteAsync(CodeLanguage.Python3,
                "import os\ndef main(name):\n    return {'value': os.environ.get(name), 'count': len(os.environ), 'keys': sorted(os.environ)}",
                new JsonObject { ["name"] = name }, CancellationToken.None);
            var js = await sandbox.ExecuteAsync(CodeLanguage.JavaScript,
                "function main() { return { process: typeof process }; }", [], CancellationToken.None);

            output.WriteLine(python!.ToJsonString());
            Assert.Null(python["value"]);
            Assert.DoesNotContain("hunter2", python.ToJsonString());
            Assert.True(python["count"]!.GetValue<int>() <= 6);
            Assert.Equal("undefined", js!["process"]!.GetValue<string>());
        }
        finally
        {
            Environment.SetEnvironmentVariable(name, null);
        }
    }
}
