using System.Text.Json.Nodes;
using Dify.Workflows.Nodes;
using Dify.Workflows.Nodes.Code;
using Dify.Workflows.Tests.Sandbox;
using Dify.Workflows.Variables;
using static Dify.Workflows.Tests.Nodes.Code.IoNodeHarness;

namespace Dify.Workflows.Tests.Nodes.Code;

[Collection(SandboxCollection.Name)]
public sealed class CodeNodeTests(SandboxFixture fixture)
{
    private readonly CodeNode _node = new(fixture.Sandbox);

    private static JsonObject Data(string language, string code, string outputs, string? variables = null) => new()
    {
        ["variables"] = JsonNode.Parse(variables ?? "[]"),
        ["code_language"] = language,
        ["code"] = code,
        ["outputs"] = JsonNode.Parse(outputs),
    };

    private static VariablePool Pool()
    {
        var pool = new VariablePool();
        pool.Set("start", "name", "Ada");
        pool.Set("start", "n", 41);
        pool.Set("start", "tags", new JsonArray("x", "y"));
        pool.Set("start", "user", new JsonObject { ["age"] = 36 });
        return pool;
    }

    private const string AllTypes = """
        {"s": {"type": "string"}, "i": {"type": "number"}, "f": {"type": "number"}, "o": {"type": "object"},
         "b": {"type": "boolean"}, "as": {"type": "array[string]"}, "an": {"type": "array[number]"},
         "ao": {"type": "array[object]"}, "ab": {"type": "array[boolean]"}, "none": {"type": "string"}}
        """;

    private const string Inputs = """
        [{"variable": "name", "value_selector": ["start", "name"]}, {"variable": "n", "value_selector": ["start", "n"]},
         {"variable": "tags", "value_selector": ["start", "tags"]}, {"variable": "user", "value_selector": ["start", "user"]},
         {"variable": "missing", "value_selector": ["start", "nope"]}]
        """;

    private const string Expected =
        "{\"s\":\"Ada!\",\"i\":42,\"f\":1.5,\"o\":{\"age\":36,\"tags\":[\"x\",\"y\"]},\"b\":true,\"as\":[\"x\",\"y\",\"z\"],"
        + "\"an\":[1,2.5],\"ao\":[{\"k\":1}],\"ab\":[true,false],\"none\":null}";

    [Fact]
    public async Task Python_returns_every_output_type()
    {
        const string code = """
            def main(name: str, n: int, tags: list, user: dict, missing) -> dict:
                return {
                    "s": name + "!", "i": n + 1, "f": 1.5, "o": {"age": user["age"], "tags": tags},
                    "b": missing is None, "as": tags + ["z"], "an": [1, 2.5], "ao": [{"k": 1}], "ab": [True, False], "none": None,
                }
            """;

        var result = await RunAsync(_node, Data("python3", code, AllTypes, Inputs), Pool());

        Assert.True(result.Status == NodeRunStatus.Succeeded, result.Error);
        Assert.Equal(Expected, result.Outputs.ToJsonString());
        Assert.Equal("{\"name\":\"Ada\",\"n\":41,\"tags\":[\"x\",\"y\"],\"user\":{\"age\":36},\"missing\":null}", result.Inputs!.ToJsonString());
    }

    [Fact]
    public async Task JavaScript_returns_every_output_type()
    {
        const string code = """
            function main({name, n, tags, user, missing}) {
                return {
                    s: name + "!", i: n + 1, f: 1.5, o: {age: user.age, tags: tags},
                    b: missing === null, as: tags.concat(["z"]), an: [1, 2.5], ao: [{k: 1}], ab: [true, false], none: null,
                };
            }
            """;

        var result = await RunAsync(_node, Data("javascript", code, AllTypes, Inputs), Pool());

        Assert.True(result.Status == NodeRunStatus.Succeeded, result.Error);
        Assert.Equal(Expected, result.Outputs.ToJsonString());
    }

    private async Task<NodeRunResult> PythonAsync(string returned, string outputs, CodeNodeOptions? options = null)
    {
        var node = options is null ? _node : new CodeNode(fixture.Sandbox, options);
        return await RunAsync(node, Data("python3", $"def main():\n    return {returned}\n", outputs));
    }

    [Theory]
    [InlineData("{\"a\": 1}", "{\"a\": {\"type\": \"number\"}, \"b\": {\"type\": \"string\"}}", "OutputValidationError", "Output b is missing.")]
    [InlineData("{\"a\": 1, \"extra\": 2}", "{\"a\": {\"type\": \"number\"}}", "CodeNodeError", "Not all output parameters are validated.")]
    [InlineData("{\"a\": 1}", "{\"a\": {\"type\": \"string\"}}", "OutputValidationError", "Output a must be a string, got int instead.")]
    [InlineData("{\"a\": \"1\"}", "{\"a\": {\"type\": \"number\"}}", "OutputValidationError", "Output a is not a number, got <class 'str'> instead.")]
    [InlineData("{\"a\": [1]}", "{\"a\": {\"type\": \"object\"}}", "OutputValidationError", "Output a is not an object, got <class 'list'> instead.")]
    [InlineData("{\"a\": \"yes\"}", "{\"a\": {\"type\": \"boolean\"}}", "OutputValidationError", "Output a must be a boolean, got str instead.")]
    [InlineData("{\"a\": \"x\"}", "{\"a\": {\"type\": \"array[string]\"}}", "OutputValidationError", "Output a is not an array, got <class 'str'> instead.")]
    [InlineData("{\"a\": [\"x\", 1]}", "{\"a\": {\"type\": \"array[string]\"}}", "OutputValidationError", "Output a[1] must be a string, got int instead.")]
    [InlineData("{\"a\": [1, None]}", "{\"a\": {\"type\": \"array[number]\"}}", "OutputValidationError", "The element at index 1 of output variable `a` must be a number.")]
    [InlineData("{\"a\": [{}, 2]}", "{\"a\": {\"type\": \"array[object]\"}}", "OutputValidationError", "Output a[1] is not an object, got <class 'int'> instead at index 1.")]
    [InlineData("{\"a\": [True, 0]}", "{\"a\": {\"type\": \"array[boolean]\"}}", "OutputValidationError", "Output a[1] is not a boolean, got <class 'int'> instead.")]
    [InlineData("{\"a\": 2**63}", "{\"a\": {\"type\": \"number\"}}", "OutputValidationError", "Output variable `a` is out of range, it must be between -9223372036854775808 and 9223372036854775807.")]
    [InlineData("{\"a\": 1e-25}", "{\"a\": {\"type\": \"number\"}}", "OutputValidationError", "Output variable `a` has too high precision, it must be less than 20 digits.")]
    [InlineData("{\"a\": {\"b\": {\"c\": {\"d\": {\"e\": {}}}}}}", "{\"a\": {\"type\": \"object\"}}", "DepthLimitError", "Depth limit 5 reached, object too deep.")]
    [InlineData("{\"a\": {\"b\": [1, \"x\"]}}", "{\"a\": {\"type\": \"object\"}}", "OutputValidationError", "Output a.b is not a valid array. make sure all elements are of the same type.")]
    public async Task Invalid_outputs_fail_with_difys_messages(string returned, string outputs, string errorType, string message)
    {
        var result = await PythonAsync(returned, outputs);

        Assert.Equal(NodeRunStatus.Failed, result.Status);
        Assert.Equal(message, result.Error);
        Assert.Equal(errorType, result.ErrorType);
    }

    [Fact]
    public async Task Nested_children_are_checked_recursively()
    {
        const string outputs = """
            {"user": {"type": "object", "children": {"name": {"type": "string"}, "tags": {"type": "array[string]"},
               "pets": {"type": "array[object]", "children": {"kind": {"type": "string"}}}}}}
            """;

        var ok = await PythonAsync("{\"user\": {\"pets\": [{\"kind\": \"cat\\x00\"}], \"name\": \"Ada\", \"tags\": [\"a\"]}}", outputs);
        var missing = await PythonAsync("{\"user\": {\"name\": \"Ada\", \"tags\": [], \"pets\": [{\"kind\": \"cat\"}, {}]}}", outputs);
        var extra = await PythonAsync("{\"user\": {\"name\": \"Ada\", \"tags\": [], \"pets\": [], \"x\": 1}}", outputs);
        var wrong = await PythonAsync("{\"user\": {\"name\": 5, \"tags\": [], \"pets\": []}}", outputs);

        Assert.True(ok.Status == NodeRunStatus.Succeeded, ok.Error);
        // Declared order, NUL bytes stripped from strings.
        Assert.Equal("{\"user\":{\"name\":\"Ada\",\"tags\":[\"a\"],\"pets\":[{\"kind\":\"cat\"}]}}", ok.Outputs.ToJsonString());
        Assert.Equal("Output user.pets[1].kind is missing.", missing.Error);
        Assert.Equal("Not all output parameters are validated.", extra.Error);
        Assert.Equal("Output user.name must be a string, got int instead.", wrong.Error);
    }

    [Fact]
    public async Task Array_length_and_string_limits_follow_the_options()
    {
        var options = new CodeNodeOptions { MaxStringLength = 5, MaxStringArrayLength = 2, MaxNumberArrayLength = 3, MaxObjectArrayLength = 1 };

        var longString = await PythonAsync("{\"a\": \"toolong\"}", "{\"a\": {\"type\": \"string\"}}", options);
        var strings = await PythonAsync("{\"a\": [\"1\", \"2\", \"3\"]}", "{\"a\": {\"type\": \"array[string]\"}}", options);
        var numbers = await PythonAsync("{\"a\": [1, 2, 3, 4]}", "{\"a\": {\"type\": \"array[number]\"}}", options);
        var objects = await PythonAsync("{\"a\": [{}, {}]}", "{\"a\": {\"type\": \"array[object]\"}}", options);
        var fits = await PythonAsync("{\"a\": \"12345\"}", "{\"a\": {\"type\": \"string\"}}", options);

        Assert.Equal("The length of output variable `a` must be less than 5 characters", longString.Error);
        Assert.Equal("The length of output variable `a` must be less than 2 elements.", strings.Error);
        Assert.Equal("The length of output variable `a` must be less than 3 elements.", numbers.Error);
        Assert.Equal("The length of output variable `a` must be less than 1 elements.", objects.Error);
        Assert.Equal(NodeRunStatus.Succeeded, fits.Status);
    }

    [Fact]
    public async Task Default_limits_are_difys()
    {
        var strings = await PythonAsync("{\"a\": [str(i) for i in range(31)]}", "{\"a\": {\"type\": \"array[string]\"}}");
        var numbers = await PythonAsync("{\"a\": list(range(1000))}", "{\"a\": {\"type\": \"array[number]\"}}");
        var tooMany = await PythonAsync("{\"a\": list(range(1001))}", "{\"a\": {\"type\": \"array[number]\"}}");
        var longString = await PythonAsync("{\"a\": \"x\" * 400001}", "{\"a\": {\"type\": \"string\"}}");

        Assert.Equal("The length of output variable `a` must be less than 30 elements.", strings.Error);
        Assert.Equal(NodeRunStatus.Succeeded, numbers.Status);
        Assert.Equal("The length of output variable `a` must be less than 1000 elements.", tooMany.Error);
        Assert.Equal("The length of output variable `a` must be less than 400000 characters", longString.Error);
    }

    [Fact]
    public async Task Booleans_declared_as_numbers_become_integers_and_nul_bytes_are_stripped()
    {
        var result = await PythonAsync("{\"n\": True, \"s\": \"a\\x00b\", \"an\": [False, 2]}",
            "{\"n\": {\"type\": \"number\"}, \"s\": {\"type\": \"string\"}, \"an\": {\"type\": \"array[number]\"}}");

        Assert.Equal("{\"n\":1,\"s\":\"ab\",\"an\":[0,2]}", result.Outputs.ToJsonString());
    }

    [Fact]
    public async Task User_exceptions_fail_the_node_with_the_message()
    {
        var python = await RunAsync(_node, Data("python3", "def main():\n    raise ValueError('boom')\n", "{}"));
        var js = await RunAsync(_node, Data("javascript", "function main() { throw new Error('bang'); }", "{}"));

        Assert.Equal(NodeRunStatus.Failed, python.Status);
        Assert.Equal("CodeExecutionError", python.ErrorType);
        Assert.Contains("boom", python.Error);
        Assert.Contains("bang", js.Error);
        Assert.NotNull(python.Inputs);
    }

    [Fact]
    public async Task A_non_object_result_fails()
    {
        var result = await RunAsync(_node, Data("python3", "def main():\n    return [1]\n", "{}"));

        Assert.Equal(NodeRunStatus.Failed, result.Status);
    }

    [Fact]
    public void Parse_reports_bad_fields()
    {
        var fields = Problems(_node, new JsonObject
        {
            ["code_language"] = "ruby",
            ["outputs"] = JsonNode.Parse("{\"a\": {\"type\": \"date\"}, \"b\": {\"type\": \"object\", \"children\": {\"c\": {\"type\": \"set\"}}}}"),
            ["variables"] = JsonNode.Parse("[{\"value_selector\": [\"a\", \"b\"]}, {\"variable\": \"x\", \"value_selector\": \"bad\"}]"),
        }).Select(p => p.Field).ToList();

        Assert.Contains("code", fields);
        Assert.Contains("code_language", fields);
        Assert.Contains("outputs.a.type", fields);
        Assert.Contains("outputs.b.children.c.type", fields);
        Assert.Contains("variables[0].variable", fields);
        Assert.Contains("variables[1].value_selector", fields);
        Assert.True(_node.SupportsRetry);
    }
}
