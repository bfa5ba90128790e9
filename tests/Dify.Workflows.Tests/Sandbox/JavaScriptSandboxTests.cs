using System.Text.Json.Nodes;
using Dify.Workflows.Sandbox;

namespace Dify.Workflows.Tests.Sandbox;

[Collection(SandboxCollection.Name)]
public sealed class JavaScriptSandboxTests(SandboxFixture fixture)
{
    [Fact]
    public async Task Main_receives_inputs_object_and_returns_object()
    {
        var inputs = new JsonObject { ["a"] = 2, ["b"] = "x", ["l"] = new JsonArray(1, 2), ["n"] = null, ["t"] = true };
        const string code = """
            function main({a, b, l, n, t}) {
              console.log("not part of the protocol\n{\"id\":1}");
              return { sum: a + l.length, s: b.repeat(2), n, t, nested: { arr: l.map(x => x * 10) } };
            }
            """;

        var result = await fixture.RunAsync(CodeLanguage.JavaScript, code, inputs);

        Assert.Equal("""{"sum":4,"s":"xx","n":null,"t":true,"nested":{"arr":[10,20]}}""", result!.ToJsonString());
    }

    [Fact]
    public async Task Async_main_is_awaited()
    {
        const string code = """
            async function main({ n }) {
              const double = async (x) => { await null; return x * 2; };
              const values = await Promise.all([double(n), double(n + 1)]);
              return { values };
            }
            """;

        var result = await fixture.RunAsync(CodeLanguage.JavaScript, code, new JsonObject { ["n"] = 5 });

        Assert.Equal("""{"values":[10,12]}""", result!.ToJsonString());
    }

    [Fact]
    public async Task Rejected_promise_reports_error_type_and_message()
    {
        var e = await Assert.ThrowsAsync<CodeExecutionException>(() =>
            fixture.RunAsync(CodeLanguage.JavaScript, "async function main() {\n  await null;\n  throw new RangeError('nope');\n}"));

        Assert.Equal("RangeError: nope (line 3)", e.Message);
    }

    [Fact]
    public async Task Runtime_error_reports_type_message_and_line()
    {
        var e = await Assert.ThrowsAsync<CodeExecutionException>(() =>
            fixture.RunAsync(CodeLanguage.JavaScript, "function main() {\n  const o = null;\n  return o.x;\n}"));

        Assert.StartsWith("TypeError: Cannot read properties of null", e.Message);
        Assert.EndsWith("(line 3)", e.Message);
    }

    [Fact]
    public async Task Syntax_error_is_reported()
    {
        var e = await Assert.ThrowsAsync<CodeExecutionException>(() => fixture.RunAsync(CodeLanguage.JavaScript, "function main( {\n"));

        Assert.StartsWith("SyntaxError:", e.Message);
    }

    [Fact]
    public async Task Missing_main_and_non_object_results_are_clear_errors()
    {
        var missing = await Assert.ThrowsAsync<CodeExecutionException>(() => fixture.RunAsync(CodeLanguage.JavaScript, "const x = 1;"));
        var array = await Assert.ThrowsAsync<CodeExecutionException>(() => fixture.RunAsync(CodeLanguage.JavaScript, "function main() { return [1]; }"));
        var never = await Assert.ThrowsAsync<CodeExecutionException>(() => fixture.RunAsync(CodeLanguage.JavaScript, "function main() { return new Promise(() => {}); }"));

        Assert.Contains("main function is not defined", missing.Message);
        Assert.Equal("main must return an object, got array", array.Message);
        Assert.Equal("main returned a promise that never settled", never.Message);
    }

    [Fact]
    public async Task Has_no_require_process_or_module_even_through_constructor_chains()
    {
        const string code = """
            function main() {
              const probe = (f) => { try { return typeof f(); } catch (e) { return 'blocked'; } };
              return {
                require: typeof require, process: typeof process, module: typeof module, globalRequire: typeof globalThis.require,
                viaThis: probe(() => this.constructor.constructor('return process')()),
                viaConsole: probe(() => console.log.constructor('return process')()),
                viaGlobal: probe(() => Object.getPrototypeOf(globalThis).constructor.constructor('return process')()),
                setTimeout: typeof setTimeout, fetch: typeof fetch,
              };
            }
            """;

        var result = await fixture.RunAsync(CodeLanguage.JavaScript, code);

        Assert.Equal(
            """{"require":"undefined","process":"undefined","module":"undefined","globalRequire":"undefined","viaThis":"blocked","viaConsole":"blocked","viaGlobal":"blocked","setTimeout":"undefined","fetch":"undefined"}""",
            result!.ToJsonString());
    }

    [Fact]
    public async Task Calls_get_fresh_globals()
    {
        for (var i = 0; i < 2; i++)
            await fixture.RunAsync(CodeLanguage.JavaScript, "globalThis.leak = 1; Array.prototype.evil = 1; function main() { return {}; }");

        var result = await fixture.RunAsync(CodeLanguage.JavaScript, "function main() { return { leak: typeof leak, evil: typeof [].evil }; }");

        Assert.Equal("""{"leak":"undefined","evil":"undefined"}""", result!.ToJsonString());
    }
}
