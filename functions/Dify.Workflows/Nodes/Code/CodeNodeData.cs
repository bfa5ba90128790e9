using Dify.Workflows.Sandbox;
using Dify.Workflows.Variables;

namespace Dify.Workflows.Nodes.Code;

/// <summary>An input of code and template-transform: main's argument name and where its value comes from (null: no value).</summary>
public sealed record NodeInputVariable(string Name, Selector? Selector);

/// <summary>A declared output: type (string, number, object, boolean, array[...]) and, for objects, the nested schema.</summary>
public sealed record CodeOutputSchema(string Type, IReadOnlyDictionary<string, CodeOutputSchema>? Children);

public sealed record CodeNodeData(
    IReadOnlyList<NodeInputVariable> Variables,
    CodeLanguage Language,
    string Code,
    IReadOnlyDictionary<string, CodeOutputSchema> Outputs);
