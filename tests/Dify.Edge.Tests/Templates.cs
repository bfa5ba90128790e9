namespace Dify.Edge.Tests;

/// <summary>Edge template DSL files used by the tests.</summary>
public static class Templates
{
    public static string DefectCheck(string model = "defect_classifier", double threshold = 0.3, string extraEndOutput = "") => $$"""
        version: 0.3.1
        kind: app
        app: {mode: workflow, name: defect-check}
        workflow:
          graph:
            nodes:
            - id: start
              data: {type: start, title: Start, variables: []}
            - id: infer
              data:
                type: onnx-inference
                title: Infer
                model: {{model}}
                input_selector: [start, frame]
                preprocessing: {kind: image, mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25], channel_order: rgb}
                labels: [ok, scratch, dent, crack]
                threshold: {{threshold.ToString(System.Globalization.CultureInfo.InvariantCulture)}}
            - id: end
              data:
                type: end
                title: End
                outputs:
                - {variable: top, value_selector: [infer, top]}
                - {variable: is_defect, value_selector: [infer, is_defect]}
                - {variable: scores, value_selector: [infer, scores]}
                - {variable: latency_ms, value_selector: [infer, latency_ms]}{{extraEndOutput}}
            edges:
            - {source: start, target: infer}
            - {source: infer, target: end}
        """;

    /// <summary>Raw numbers (no preprocessing) into the classifier.</summary>
    public const string Readings = """
        version: 0.3.1
        kind: app
        app: {mode: workflow, name: readings}
        workflow:
          graph:
            nodes:
            - id: start
              data: {type: start, title: Start, variables: []}
            - id: infer
              data:
                type: onnx-inference
                title: Infer
                model: defect_classifier.onnx
                input_selector: [start, readings]
                output_names: [probabilities]
                labels: [ok, scratch, dent, crack]
                threshold: 0.9
            - id: end
              data: {type: end, title: End, outputs: [{variable: top, value_selector: [infer, top]}, {variable: scores, value_selector: [infer, scores]}, {variable: is_defect, value_selector: [infer, is_defect]}]}
            edges:
            - {source: start, target: infer}
            - {source: infer, target: end}
        """;

    /// <summary>No model: echoes an input (twin sync tests need no inference).</summary>
    public static string Echo(string tag) => $$"""
        version: 0.3.1
        kind: app
        app: {mode: workflow, name: echo-{{tag}}}
        workflow:
          graph:
            nodes:
            - id: start
              data: {type: start, title: Start, variables: [{variable: x, label: x, type: number, required: false}]}
            - id: end
              data: {type: end, title: End, outputs: [{variable: x, value_selector: [start, x]}]}
            edges:
            - {source: start, target: end}
        """ + "\n# " + tag + "\n";
}
