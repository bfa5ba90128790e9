using System.Text.Json.Nodes;
using Dify.Workflows.Nodes;
using Dify.Workflows.Nodes.Common;
using Dify.Workflows.Variables;

namespace Dify.Workflows.Tests.Variables;

public sealed class ConditionTests
{
    private static bool Eval(string actualJson, string op, string? expectedJson)
    {
        var pool = new VariablePool();
        pool.Set("n", "v", JsonNode.Parse(actualJson));
        return ConditionEvaluator.Evaluate(pool, new Condition(new Selector("n", "v"), op, expectedJson is null ? null : JsonNode.Parse(expectedJson), null));
    }

    [Theory]
    [InlineData("\"hello\"", "contains", "\"ell\"", true)]
    [InlineData("\"hello\"", "contains", "\"\"", false)]
    [InlineData("\"hello\"", "not contains", "\"\"", true)]
    [InlineData("[\"a\",\"b\"]", "contains", "\"b\"", true)]
    [InlineData("\"hello\"", "start with", "\"he\"", true)]
    [InlineData("\"hello\"", "end with", "\"lo\"", true)]
    [InlineData("\"hello\"", "is", "\"hello\"", true)]
    [InlineData("\"hello\"", "is not", "\"hello\"", false)]
    [InlineData("\"\"", "empty", null, true)]
    [InlineData("[]", "empty", null, true)]
    [InlineData("0", "empty", null, true)]
    [InlineData("\"x\"", "not empty", null, true)]
    [InlineData("\"b\"", "in", "[\"a\",\"b\"]", true)]
    [InlineData("\"c\"", "not in", "[\"a\",\"b\"]", true)]
    [InlineData("[\"a\",\"b\",\"c\"]", "all of", "[\"a\",\"c\"]", true)]
    [InlineData("[\"a\"]", "all of", "[\"a\",\"c\"]", false)]
    [InlineData("5", "=", "\"5\"", true)]
    [InlineData("5", "≠", "\"5\"", false)]
    [InlineData("5", ">", "\"4.5\"", true)]
    [InlineData("5", "<", "\"4.5\"", false)]
    [InlineData("5", "≥", "\"5\"", true)]
    [InlineData("5", "≤", "\"4\"", false)]
    [InlineData("null", "null", null, true)]
    [InlineData("1", "not null", null, true)]
    [InlineData("null", "contains", "\"a\"", false)]
    [InlineData("null", "not contains", "\"a\"", true)]
    [InlineData("null", "=", "\"1\"", false)]
    [InlineData("true", "is", "\"true\"", true)]
    [InlineData("false", "is", "\"1\"", false)]
    public void Operators_follow_dify(string actual, string op, string? expected, bool result) =>
        Assert.Equal(result, Eval(actual, op, expected));

    [Fact]
    public void Missing_variable_raises()
    {
        var ex = Assert.Throws<NodeExecutionException>(() =>
            ConditionEvaluator.Evaluate(new VariablePool(), new Condition(new Selector("x", "y"), "is", JsonValue.Create("a"), null)));
        Assert.Equal("Variable x.y not found", ex.Message);
    }

    [Fact]
    public void Number_operator_on_text_raises() =>
        Assert.Throws<NodeExecutionException>(() => Eval("\"abc\"", ">", "\"1\""));

    [Fact]
    public void File_arrays_use_sub_conditions_on_attributes()
    {
        var pool = new VariablePool();
        pool.Set("n", "files", new JsonArray(
            Dify.Workflows.Values.FileValue.Create("document", "local_file", "a.pdf", "pdf", "application/pdf", 1),
            Dify.Workflows.Values.FileValue.Create("image", "local_file", "b.png", "png", "image/png", 1)));
        var sub = new SubConditions("and", [new KeyCondition("extension", "is", JsonValue.Create(".png"))]);
        Assert.True(ConditionEvaluator.Evaluate(pool, new Condition(new Selector("n", "files"), "contains", null, sub)));
        Assert.False(ConditionEvaluator.Evaluate(pool, new Condition(new Selector("n", "files"), "not contains", null, sub)));
    }
}
