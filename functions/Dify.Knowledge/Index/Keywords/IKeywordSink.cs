namespace Dify.Knowledge.Index.Keywords;

/// <summary>Receives the tokens of <see cref="KeywordTokenizer"/>; the span is only valid during the call.</summary>
internal interface IKeywordSink
{
    void Token(scoped ReadOnlySpan<char> token);
}
