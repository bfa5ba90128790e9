using Dify.Models;
using Dify.Workflows.Files;
using Dify.Workflows.Knowledge;
using Dify.Workflows.Nodes.Code;
using Dify.Workflows.Nodes.DocumentExtractor;
using Dify.Workflows.Nodes.HttpRequest;
using Dify.Workflows.Nodes.KnowledgeRetrieval;
using Dify.Workflows.Nodes.Llm;
using Dify.Workflows.Nodes.ParameterExtractor;
using Dify.Workflows.Nodes.QuestionClassifier;
using Dify.Workflows.Nodes.TemplateTransform;
using Dify.Workflows.Sandbox;

namespace Dify.Workflows.Nodes;

/// <summary>
/// The I/O node executors every host registers, over that host's adapters: one list, so a node (or a new constructor
/// argument such as the rerank model) reaches the local host, the Azure composition and the tests alike.
/// </summary>
public static class StandardNodeExecutors
{
    /// <param name="http">The HTTP request node's client; null lets the node create its own.</param>
    /// <param name="documents">Reads the formats the document extractor does not (PDF); null keeps them unsupported.</param>
    public static INodeExecutor[] Create(
        IModelProviders models, ICodeSandbox sandbox, IFileStorage files, IKnowledgeRetriever retriever, HttpClient? http = null, IDocumentTextExtractor? documents = null) =>
    [
        new LlmNode(models, sandbox),
        new QuestionClassifierNode(models),
        new ParameterExtractorNode(models),
        new CodeNode(sandbox),
        new TemplateTransformNode(sandbox),
        http is null ? new HttpRequestNode(files) : new HttpRequestNode(http, files),
        new DocumentExtractorNode(files, external: documents),
        new KnowledgeRetrievalNode(retriever, models, models.Rerank),
    ];
}
