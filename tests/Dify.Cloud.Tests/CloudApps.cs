namespace Dify.Cloud.Tests;

/// <summary>Dify DSL files the tests import.</summary>
internal static class CloudApps
{
    /// <summary>llm → python code → if-else → two ends' worth of answers joined: every payload kind an activity carries.</summary>
    public const string LlmCodeIfElse = """
        version: 0.3.1
        kind: app
        app: {mode: workflow, name: cloud-pipeline}
        workflow:
          graph:
            nodes:
            - id: start
              data: {type: start, title: Start, variables: [{variable: name, label: name, type: text-input, required: true}]}
            - id: llm
              data:
                type: llm
                title: Ask
                model: {provider: openai, name: gpt-4o-mini, mode: chat, completion_params: {}}
                prompt_template:
                - {role: user, text: "greet {{#start.name#}}"}
                context: {enabled: false, variable_selector: []}
            - id: py
              data:
                type: code
                title: Measure
                code_language: python3
                variables: [{variable: text, value_selector: [llm, text]}]
                code: |
                  def main(text: str) -> dict:
                      return {"upper": text.upper(), "size": len(text), "parts": text.split(" ")}
                outputs:
                  upper: {type: string}
                  size: {type: number}
                  parts: {type: 'array[string]'}
            - id: branch
              data:
                type: if-else
                title: Long?
                cases:
                - case_id: 'true'
                  logical_operator: and
                  conditions:
                  - {variable_selector: [py, size], comparison_operator: '>', value: '8'}
            - id: long
              data: {type: end, title: Long, outputs: [{variable: verdict, value_selector: [py, upper]}, {variable: parts, value_selector: [py, parts]}]}
            - id: short
              data: {type: end, title: Short, outputs: [{variable: verdict, value_selector: [llm, text]}]}
            edges:
            - {source: start, target: llm}
            - {source: llm, target: py}
            - {source: py, target: branch}
            - {source: branch, sourceHandle: 'true', target: long}
            - {source: branch, sourceHandle: 'false', target: short}
        """;

    /// <summary>An uploaded document read by document-extractor; a file fetched by http-request (kept by the file storage) read likewise.</summary>
    public const string Files = """
        version: 0.3.1
        kind: app
        app: {mode: workflow, name: cloud-files}
        workflow:
          graph:
            nodes:
            - id: start
              data:
                type: start
                title: Start
                variables:
                - {variable: doc, label: doc, type: file, required: true, allowed_file_types: [document], allowed_file_upload_methods: [local_file]}
                - {variable: url, label: url, type: text-input, required: true, max_length: 256}
            - id: read
              data: {type: document-extractor, title: Read, variable_selector: [start, doc]}
            - id: fetch
              data:
                type: http-request
                title: Fetch
                method: get
                url: '{{#start.url#}}'
                authorization: {type: no-auth}
                headers: ''
                params: ''
                body: {type: none, data: []}
            - id: report
              data: {type: document-extractor, title: Report, variable_selector: [fetch, files]}
            - id: end
              data:
                type: end
                title: End
                outputs:
                - {variable: doc_text, value_selector: [read, text]}
                - {variable: report_text, value_selector: [report, text]}
                - {variable: fetched, value_selector: [fetch, files]}
            edges:
            - {source: start, target: read}
            - {source: read, target: fetch}
            - {source: fetch, target: report}
            - {source: report, target: end}
        """;
}
