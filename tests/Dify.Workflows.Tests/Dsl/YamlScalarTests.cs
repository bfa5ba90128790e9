using System.Text.Json;
using System.Text.Json.Nodes;
using Dify.Workflows.Dsl.Yaml;
using YamlDotNet.Core;

namespace Dify.Workflows.Tests.Dsl;

/// <summary>Plain scalars resolve as PyYAML's safe_load (YAML 1.1) does; quoted ones stay strings.</summary>
public sealed class YamlScalarTests
{
    [Theory]
    [InlineData("~")]
    [InlineData("null")]
    [InlineData("Null")]
    [InlineData("NULL")]
    [InlineData("")]
    public void Plain_null_forms_are_null(string text) => Assert.Null(Value(text));

    [Theory]
    [InlineData("true", true)]
    [InlineData("True", true)]
    [InlineData("TRUE", true)]
    [InlineData("yes", true)]
    [InlineData("Yes", true)]
    [InlineData("on", true)]
    [InlineData("ON", true)]
    [InlineData("false", false)]
    [InlineData("no", false)]
    [InlineData("NO", false)]
    [InlineData("off", false)]
    [InlineData("Off", false)]
    public void Plain_yaml11_booleans(string text, bool expected) => Assert.Equal(expected, Value(text)!.GetValue<bool>());

    [Theory]
    [InlineData("0", 0L)]
    [InlineData("42", 42L)]
    [InlineData("-17", -17L)]
    [InlineData("+5", 5L)]
    [InlineData("1_000", 1000L)]
    [InlineData("0x1F", 31L)]
    [InlineData("017", 15L)]
    [InlineData("0b101", 5L)]
    [InlineData("1:30", 90L)]
    [InlineData("1754154032319", 1754154032319L)]
    public void Plain_yaml11_integers(string text, long expected) => Assert.Equal(expected, Value(text)!.GetValue<long>());

    [Theory]
    [InlineData("1.5", 1.5)]
    [InlineData("-0.25", -0.25)]
    [InlineData("1.", 1.0)]
    [InlineData(".5", 0.5)]
    [InlineData("1.0e+3", 1000.0)]
    [InlineData("6.02e-2", 0.0602)]
    [InlineData("1:30.5", 90.5)]
    public void Plain_yaml11_floats(string text, double expected) => Assert.Equal(expected, Value(text)!.GetValue<double>());

    [Fact]
    public void Plain_infinities_and_nan()
    {
        Assert.Equal(double.PositiveInfinity, Value(".inf")!.GetValue<double>());
        Assert.Equal(double.NegativeInfinity, Value("-.Inf")!.GetValue<double>());
        Assert.True(double.IsNaN(Value(".NaN")!.GetValue<double>()));
    }

    [Theory]
    [InlineData("tRUE")]      // PyYAML only knows lower, Capitalised and UPPER spellings
    [InlineData("y")]         // YAML 1.1 lists y/n, but PyYAML's resolver does not
    [InlineData("1e5")]       // YAML 1.1 floats need a dot
    [InlineData("0o17")]      // YAML 1.2 octal; a string under 1.1
    [InlineData("08")]        // not octal, not decimal
    [InlineData("0.1.0")]
    [InlineData("2024-01-01")] // PyYAML makes a date; we keep the text (no DSL field wants a date)
    [InlineData("hello world")]
    public void Other_plain_scalars_are_strings(string text) => Assert.Equal(text, Value(text)!.GetValue<string>());

    [Theory]
    [InlineData("'true'", "true")]
    [InlineData("\"123\"", "123")]
    [InlineData("'null'", "null")]
    [InlineData("''", "")]
    [InlineData("!!str 0x10", "0x10")]
    public void Quoted_and_str_tagged_scalars_are_strings(string text, string expected) => Assert.Equal(expected, Value(text)!.GetValue<string>());

    [Fact]
    public void Block_scalars_are_strings()
    {
        var root = Read("a: |\n  true\nb: >-\n  123\n");
        Assert.Equal("true\n", root["a"]!.GetValue<string>());
        Assert.Equal("123", root["b"]!.GetValue<string>());
    }

    [Fact]
    public void Anchors_aliases_and_merge_keys_resolve()
    {
        var root = Read("""
            base: &base {model: gpt, temperature: 0.5}
            other: &other {top_p: 1, model: other}
            copy: *base
            merged:
              <<: *base
              temperature: 0.9
            multi:
              <<: [*other, *base]
            """);
        Assert.Equal("""{"model":"gpt","temperature":0.5}""", root["copy"]!.ToJsonString());
        Assert.Equal("""{"model":"gpt","temperature":0.9}""", root["merged"]!.ToJsonString());
        // In a merge list the first mapping wins.
        Assert.Equal("other", root["multi"]!["model"]!.GetValue<string>());
        Assert.Equal(0.5, root["multi"]!["temperature"]!.GetValue<double>());
        // Aliases are copies, not shared nodes.
        root["copy"]!["model"] = "changed";
        Assert.Equal("gpt", root["base"]!["model"]!.GetValue<string>());
    }

    [Fact]
    public void Key_order_is_kept()
    {
        var root = Read("zeta: 1\nalpha: 2\nmid: 3\n");
        Assert.Equal(["zeta", "alpha", "mid"], root.Select(p => p.Key));
    }

    [Fact]
    public void Plain_keys_keep_their_text()
    {
        var root = Read("1: a\ntrue: b\n");
        Assert.Equal(["1", "true"], root.Select(p => p.Key));
    }

    [Fact]
    public void Undefined_alias_and_several_documents_are_errors()
    {
        Assert.ThrowsAny<YamlException>(() => YamlJsonReader.Read("a: *nope\n"));
        Assert.ThrowsAny<YamlException>(() => YamlJsonReader.Read("a: 1\n---\nb: 2\n"));
        Assert.ThrowsAny<YamlException>(() => YamlJsonReader.Read("a: !custom 1\n"));
    }

    [Fact]
    public void Empty_document_is_null() => Assert.Null(YamlJsonReader.Read(""));

    private static JsonObject Read(string yaml) => YamlJsonReader.Read(yaml)!.AsObject();

    private static JsonValue? Value(string scalar)
    {
        var node = Read("v: " + scalar + "\n")["v"];
        if (node is JsonValue value) Assert.NotEqual(JsonValueKind.Undefined, value.GetValueKind());
        return (JsonValue?)node;
    }
}
