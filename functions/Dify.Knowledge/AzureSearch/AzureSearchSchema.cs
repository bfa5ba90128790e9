using Azure.Search.Documents.Indexes.Models;

namespace Dify.Knowledge.AzureSearch;

/// <summary>
/// The index every dataset shares. One search document per chunk, keyed by <see cref="Key"/>:
/// <list type="bullet">
/// <item><c>content</c> (searchable, the semantic ranker's content) and <c>title</c> (searchable, the document name);</item>
/// <item><c>content_vector</c>: HNSW, cosine, <see cref="AzureSearchOptions.VectorDimensions"/>, not returned;</item>
/// <item>filterable strings <c>dataset_id</c>, <c>document_id</c>, <c>segment_id</c>, <c>parent_id</c> (a child's
/// parent segment id), <c>kind</c> (segment | parent | child: parents are stored but never searched), and
/// the ints <c>position</c> and <c>child_position</c>;</item>
/// <item>metadata twice: <c>doc_metadata</c> (the document's metadata JSON, returned as-is) and
/// <c>metadata_pairs</c>, a filterable string collection of <c>key=value</c> (value as Dify writes it as text),
/// so Dify's is / is not / in / not in conditions become <c>metadata_pairs/any(m: m eq 'key=value')</c>.
/// One untyped collection keeps the schema fixed whatever keys users add; numeric and text-pattern conditions are
/// checked after the search.</item>
/// <item>the stored segment, so the Dataset API's segment routes read and edit it here (the index is the shared source of
/// truth in Azure): <c>answer</c>, <c>keywords</c>, and the switches <c>enabled</c> (the segment's) and
/// <c>document_enabled</c> (false while its document is disabled or archived). Searches skip chunks with either set to
/// false; a chunk written before these fields existed has them null and stays searchable.</item>
/// </list>
/// </summary>
public static class AzureSearchSchema
{
    public const string Id = "id", Content = "content", Title = "title", ContentVector = "content_vector";
    public const string DatasetId = "dataset_id", DocumentId = "document_id", DocumentName = "document_name", SegmentId = "segment_id";
    public const string ParentId = "parent_id", Kind = "kind", Position = "position", ChildPosition = "child_position";
    public const string DocMetadata = "doc_metadata", MetadataPairs = "metadata_pairs";
    public const string Answer = "answer", Keywords = "keywords", Enabled = "enabled", DocumentEnabled = "document_enabled";
    public const string VectorProfile = "dify-vector-profile", HnswConfiguration = "dify-hnsw";

    /// <summary>The fields a search returns (everything but the vector).</summary>
    public static readonly string[] ResultFields =
        [Id, Content, DatasetId, DocumentId, DocumentName, SegmentId, ParentId, Kind, Position, ChildPosition, DocMetadata];

    /// <summary>The fields the segment routes read: the result fields and the stored segment's.</summary>
    public static readonly string[] SegmentFields = [.. ResultFields, Answer, Keywords, Enabled, DocumentEnabled];

    public static SearchIndex Build(AzureSearchOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var index = new SearchIndex(options.IndexName)
        {
            Fields =
            {
                new SimpleField(Id, SearchFieldDataType.String) { IsKey = true, IsFilterable = true },
                new SearchableField(Content) { AnalyzerName = LexicalAnalyzerName.StandardLucene },
                new SearchableField(Title),
                new SearchField(ContentVector, SearchFieldDataType.Collection(SearchFieldDataType.Single))
                {
                    IsSearchable = true,
                    IsHidden = true,
                    VectorSearchDimensions = options.VectorDimensions,
                    VectorSearchProfileName = VectorProfile,
                },
                new SimpleField(DatasetId, SearchFieldDataType.String) { IsFilterable = true, IsFacetable = true },
                new SimpleField(DocumentId, SearchFieldDataType.String) { IsFilterable = true },
                new SimpleField(DocumentName, SearchFieldDataType.String),
                new SimpleField(SegmentId, SearchFieldDataType.String) { IsFilterable = true },
                new SimpleField(ParentId, SearchFieldDataType.String) { IsFilterable = true },
                new SimpleField(Kind, SearchFieldDataType.String) { IsFilterable = true },
                new SimpleField(Position, SearchFieldDataType.Int32) { IsFilterable = true, IsSortable = true },
                new SimpleField(ChildPosition, SearchFieldDataType.Int32) { IsFilterable = true },
                new SimpleField(DocMetadata, SearchFieldDataType.String),
                new SimpleField(MetadataPairs, SearchFieldDataType.Collection(SearchFieldDataType.String)) { IsFilterable = true },
                new SimpleField(Answer, SearchFieldDataType.String),
                new SimpleField(Keywords, SearchFieldDataType.Collection(SearchFieldDataType.String)),
                new SimpleField(Enabled, SearchFieldDataType.Boolean) { IsFilterable = true },
                new SimpleField(DocumentEnabled, SearchFieldDataType.Boolean) { IsFilterable = true },
            },
            VectorSearch = new VectorSearch
            {
                Algorithms =
                {
                    new HnswAlgorithmConfiguration(HnswConfiguration)
                    {
                        Parameters = new HnswParameters { M = 4, EfConstruction = 400, EfSearch = 500, Metric = VectorSearchAlgorithmMetric.Cosine },
                    },
                },
                Profiles = { new VectorSearchProfile(VectorProfile, HnswConfiguration) },
            },
            SemanticSearch = new SemanticSearch
            {
                DefaultConfigurationName = options.SemanticConfigurationName,
                Configurations =
                {
                    new SemanticConfiguration(options.SemanticConfigurationName, new SemanticPrioritizedFields
                    {
                        TitleField = new SemanticField(Title),
                        ContentFields = { new SemanticField(Content) },
                    }),
                },
            },
        };
        return index;
    }

    /// <summary>
    /// The search document key of a chunk: base64url of "dataset\nsegment" (keys may only hold letters, digits,
    /// '-', '_' and '='), so it is unique across datasets and reversible.
    /// </summary>
    public static string Key(string datasetId, string segmentId) =>
        Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(datasetId + "\n" + segmentId)).Replace('+', '-').Replace('/', '_');

    public static string KindName(IndexedChunkKind kind) => kind switch
    {
        IndexedChunkKind.Parent => "parent",
        IndexedChunkKind.Child => "child",
        _ => "segment",
    };
}
