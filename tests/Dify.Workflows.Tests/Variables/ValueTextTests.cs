using System.Text.Json.Nodes;
using Dify.Workflows.Values;
using Dify.Workflows.Variables;

namespace Dify.Workflows.Tests.Variables;

public sealed class ValueTextTests
{
    [Theory]
    [InlineData("\"abc\"", "abc")]
    [InlineData("null", "")]
    [InlineData("3", "3")]
    [InlineData("1.0", "1.0")]
    [InlineData("2.5", "2.5")]
    [InlineData("true", "True")]
    [InlineData("false", "False")]
    [InlineData("[]", "")]
    [InlineData("[\"a\",\"b\"]", "[\"a\", \"b\"]")]
    [InlineData("[1,2]", "[1, 2]")]
    [InlineData("[true]", "[True]")]
    [InlineData("{\"k\":\"é\",\"n\":1}", "{\"k\": \"é\", \"n\": 1}")]
    public void Text_form_matches_python_str(string json, string expected) =>
        Assert.Equal(expected, ValueText.ToText(JsonNode.Parse(json)));

    [Fact]
    public void Markdown_form_lists_arrays_and_indents_objects()
    {
        Assert.Equal("- a\n- 2", ValueText.ToMarkdown(JsonNode.Parse("[\"a\",2]")));
        Assert.Equal("{\n  \"k\": 1\n}", ValueText.ToMarkdown(JsonNode.Parse("{\"k\":1}")));
        var image = FileValue.Create("image", "remote_url", "cat.png", ".png", "image/png", 10, url: "http://x/cat.png");
        Assert.Equal("![cat.png](http://x/cat.png)", ValueText.ToMarkdown(image));
        Assert.Equal("", ValueText.ToText(image));
    }

    [Fact]
    public void Floats_print_like_python()
    {
        Assert.Equal("1e-05", ValueText.PythonFloat(0.00001));
        Assert.Equal("1e+20", ValueText.PythonFloat(1e20));
        Assert.Equal("0.1", ValueText.PythonFloat(0.1));
        Assert.Equal("100.0", ValueText.NumberText(JsonValue.Create(100.0)));
        Assert.Equal("100", ValueText.NumberText(JsonValue.Create(100L)));
    }
}

public sealed class TemplateAndPoolTests
{
    private static VariablePool Pool()
    {
        var pool = new VariablePool();
        pool.Set("sys", "query", "hello");
        pool.Set("1711528915811", "text", "answer");
        pool.Set("llm", "structured_output", JsonNode.Parse("{\"name\":\"Ada\",\"tags\":[\"x\"]}"));
        pool.Set("start", "f", FileValue.Create("document", "local_file", "a.pdf", ".pdf", "application/pdf", 42));
        return pool;
    }

    [Fact]
    public void Renders_references_and_leaves_missing_ones_as_literal_text()
    {
        var pool = Pool();
        Assert.Equal("Q: hello / answer / Ada / missing.var", VariableTemplate.RenderText("Q: {{#sys.query#}} / {{#1711528915811.text#}} / {{#llm.structured_output.name#}} / {{#missing.var#}}", pool));
    }

    [Fact]
    public void Does_not_treat_malformed_references_as_variables()
    {
        var t = VariableTemplate.Parse("{{#a#}} {{#.x#}} {{#node.1bad#}}");
        Assert.Empty(t.Selectors);
    }

    [Fact]
    public void Selectors_navigate_objects_and_file_attributes_but_not_arrays()
    {
        var pool = Pool();
        Assert.Equal("Ada", pool.Get(new Selector("llm", "structured_output", "name"))!.ToString());
        Assert.Equal("a.pdf", pool.Get(new Selector("start", "f", "name"))!.ToString());
        Assert.Equal(42, (long)pool.Get(new Selector("start", "f", "size"))!);
        Assert.Null(pool.Get(new Selector("llm", "structured_output", "tags", "0")));
        Assert.False(pool.TryGet(new Selector("nope", "x"), out _));
    }

    [Fact]
    public void Copies_do_not_share_maps()
    {
        var pool = Pool();
        var copy = pool.Copy();
        copy.Set("sys", "query", "changed");
        Assert.Equal("hello", pool.Get("sys", "query")!.ToString());
    }

    [Fact]
    public void Pool_round_trips_through_json()
    {
        var pool = Pool();
        var back = VariablePool.FromJson(pool.ToJson());
        Assert.True(JsonNode.DeepEquals(pool.ToJson(), back.ToJson()));
    }
}
