using Dify.Knowledge.Splitting;

namespace Dify.Knowledge.Tests.Splitting;

/// <summary>Expected chunks are worked out by hand from Dify's rules (lengths in characters); comments show the reasoning.</summary>
public sealed class SplitterTests
{
    private static string Words(string prefix, int length)
    {
        var sb = new System.Text.StringBuilder();
        for (var i = 0; sb.Length < length; i++) sb.Append(sb.Length == 0 ? "" : " ").Append(prefix).Append(i % 10);
        return sb.ToString()[..length].TrimEnd();
    }

    [Fact]
    public void Automatic_merges_paragraphs_up_to_500_characters_with_overlap_of_whole_pieces()
    {
        var p1 = Words("alpha", 300);
        var p2 = Words("bravo", 300);
        var p3 = Words("charlie", 100);
        // Pieces end with their "\n\n": 302, 302, 100. 302+302 > 500 → emit p1; the overlap keeps ≤ 50 characters,
        // so p1 (302) is dropped; p2 + p3 = 402 ≤ 500 → one chunk, joined as written and stripped.
        var chunks = new DocumentChunker(ProcessRule.Automatic).Chunk($"{p1}\n\n{p2}\n\n{p3}");
        Assert.Equal([p1, $"{p2}\n\n{p3}"], chunks.Select(c => c.Content));
        Assert.Equal([1, 2], chunks.Select(c => c.Position));
        Assert.All(chunks, c => Assert.Empty(c.Children));
    }

    [Fact]
    public void Automatic_splits_chinese_on_the_full_stop_and_overlaps_the_last_sentences()
    {
        var sentences = Enumerable.Range(1, 39).Select(i => $"第{i}句话讲的是知识库的切分规则和重叠。").ToList();
        var chunks = new DocumentChunker(ProcessRule.Automatic).Chunk(string.Concat(sentences));
        // No "\n\n": "。" is the separator. Sentences 1–9 are 19 characters, 10–39 are 20: 9·19 + 16·20 = 491 ≤ 500,
        // adding sentence 26 would pass 500. The overlap keeps sentences 24 and 25 (40 ≤ 50) to start chunk 2.
        Assert.Equal(2, chunks.Count);
        Assert.Equal(string.Concat(sentences.Take(25)), chunks[0].Content);
        Assert.Equal(string.Concat(sentences.Skip(23)), chunks[1].Content);
    }

    [Fact]
    public void Custom_splits_on_the_separator_then_recursively_and_tidies_leading_symbols()
    {
        var rule = ProcessRule.Custom("\\n", maxTokens: 60, chunkOverlap: 10);
        var text = "Short line one.\nThe second line is a little longer. It has two sentences in it, see.\n\n## Heading\n- item\n";
        var chunks = new DocumentChunker(rule).Chunk(text);
        // Line 2 is 69 > 60 characters: split on ". " into 36 + 32, which cannot be merged within 60.
        // "## Heading" loses its "#" (Dify's remove_leading_symbols); "-" is not in that set; empty lines vanish.
        Assert.Equal(["Short line one.", "The second line is a little longer.", "It has two sentences in it, see.", "Heading", "- item"],
            chunks.Select(c => c.Content));
    }

    [Fact]
    public void Custom_falls_back_to_characters_with_its_own_overlap()
    {
        var text = new string('x', 130);
        var chunks = new DocumentChunker(ProcessRule.Custom("\\n", 50, 10)).Chunk(text);
        // No separator at all: characters 1–50, then the last 10 (41–50) start the next chunk: 41–90, 81–130.
        Assert.Equal([50, 50, 50], chunks.Select(c => c.Content.Length));
    }

    [Fact]
    public void Custom_separator_is_unescaped_and_may_be_any_string()
    {
        var chunks = new DocumentChunker(ProcessRule.Custom("***", 50, 0)).Chunk("first part***second part*** third ");
        Assert.Equal(["first part", "second part", "third"], chunks.Select(c => c.Content));
        Assert.Equal("\n\n", new Segmentation("\\n\\n", 100).SeparatorText);
        Assert.Equal("\t|", new Segmentation("\\t\\u007c", 100).SeparatorText);
    }

    [Fact]
    public void Custom_keeps_spaces_when_words_are_the_last_separator()
    {
        var text = string.Join(' ', Enumerable.Range(0, 30).Select(i => $"word{i:00}"));
        var chunks = new DocumentChunker(ProcessRule.Custom("\\n", 50, 0)).Chunk(text);
        // 30 words of 6 characters + spaces = 209 characters, no ". ": split on spaces, 7 words per chunk (7·7 = 49 ≤ 50).
        Assert.Equal("word00 word01 word02 word03 word04 word05 word06", chunks[0].Content);
        Assert.Equal(5, chunks.Count);
        Assert.Equal("word28 word29", chunks[^1].Content);
    }

    [Fact]
    public void Hierarchical_paragraph_splits_parents_then_children()
    {
        var rule = ProcessRule.Hierarchical(ParentMode.Paragraph, new Segmentation("\\n\\n", 500), new Segmentation("\\n", 50));
        var text = "Parent one line a.\nParent one line b is here.\n\n.Parent two starts with a dot\n"
                   + "and has a second line that is long enough to be split by words alone ok.";
        var chunks = new DocumentChunker(rule).Chunk(text);
        Assert.Equal(2, chunks.Count);
        Assert.Equal("Parent one line a.\nParent one line b is here.", chunks[0].Content);
        Assert.Equal(["Parent one line a.", "Parent one line b is here."], chunks[0].Children);
        // The leading "." of parent two is removed; its 72-character second line splits on spaces within 50.
        Assert.Equal("Parent two starts with a dot\nand has a second line that is long enough to be split by words alone ok.", chunks[1].Content);
        Assert.Equal(["Parent two starts with a dot", "and has a second line that is long enough to be", "split by words alone ok."], chunks[1].Children);
    }

    [Fact]
    public void Hierarchical_full_doc_is_one_parent_with_every_child()
    {
        var rule = ProcessRule.Hierarchical(ParentMode.FullDoc, new Segmentation("\\n\\n", 500), new Segmentation("\\n", 50));
        var text = "line one\n\n\n\nline two\nline three";
        var chunks = new DocumentChunker(rule).Chunk(text);
        var parent = Assert.Single(chunks);
        // full-doc does not clean (Dify skips the cleaner there): the blank lines stay in the parent.
        Assert.Equal(text, parent.Content);
        Assert.Equal(["line one", "line two", "line three"], parent.Children);
    }

    [Fact]
    public void Cleaning_rules_match_dify()
    {
        var text = "Mail me at a.b@example.com or see https://example.com/x?y=1 now.\n\n\n\nNext   para\t\twith "
                   + "![alt text](https://img.example.com/a.png) image. <|tag|> \u00ef\u00bf\u00be";
        Assert.Equal("Mail me at  or see  now.\n\nNext para with ![image](https://img.example.com/a.png) image. <tag> ",
            TextCleaner.Clean(text, new CleaningRules(true, true)));
        Assert.Equal("a\n\n\n b  c", TextCleaner.Clean("a\n\n\n b  c\u0001", CleaningRules.None));
    }

    [Fact]
    public void Rules_outside_difys_limits_are_refused()
    {
        Assert.Throws<ArgumentException>(() => new DocumentChunker(ProcessRule.Custom("\\n", 49)));
        Assert.Throws<ArgumentException>(() => new DocumentChunker(ProcessRule.Custom("\\n", 4001)));
        Assert.Throws<ArgumentException>(() => new DocumentChunker(ProcessRule.Custom("", 100)));
        Assert.Throws<ArgumentException>(() => new DocumentChunker(ProcessRule.Custom("\\n", 100, 101)));
        Assert.Throws<ArgumentException>(() => new DocumentChunker(new ProcessRule(ProcessRuleMode.Hierarchical, CleaningRules.None, new Segmentation("\\n", 100))));
    }

    [Theory]
    [InlineData(ProcessRuleMode.Automatic)]
    [InlineData(ProcessRuleMode.Custom)]
    [InlineData(ProcessRuleMode.Hierarchical)]
    public async Task Streaming_in_small_blocks_gives_the_same_chunks_as_the_whole_text(ProcessRuleMode mode)
    {
        var random = new Random(7);
        var sb = new System.Text.StringBuilder();
        for (var i = 0; i < 400; i++)
        {
            sb.Append(Words("w" + random.Next(100), random.Next(5, 160)));
            sb.Append(random.Next(6) switch { 0 => "\n\n", 1 => "\n\n\n\n", 2 => ". ", 3 => "   ", _ => "\n" });
        }
        var text = sb.ToString();
        var rule = mode switch
        {
            ProcessRuleMode.Automatic => ProcessRule.Automatic,
            ProcessRuleMode.Custom => ProcessRule.Custom("\\n\\n", 200, 30),
            _ => ProcessRule.Hierarchical(ParentMode.Paragraph, new Segmentation("\\n\\n", 400), new Segmentation("\\n", 80, 10)),
        };
        var chunker = new DocumentChunker(rule);
        var whole = chunker.Chunk(text);
        var streamed = new List<ChunkDraft>();
        await foreach (var c in chunker.SplitAsync(CleanedTextReader.ReadBlocksAsync(new StringReader(text), chunker.Cleaning, blockChars: 97)))
            streamed.Add(c);
        Assert.True(whole.Count > 10);
        Assert.Equal(whole.Select(c => (c.Position, c.Content, string.Join("|", c.Children))), streamed.Select(c => (c.Position, c.Content, string.Join("|", c.Children))));
    }
}

public sealed class ProcessRuleJsonTests
{
    [Fact]
    public void Difys_process_rule_json_round_trips()
    {
        var json = System.Text.Json.Nodes.JsonNode.Parse("""
            {"mode":"hierarchical","rules":{"pre_processing_rules":[{"id":"remove_extra_spaces","enabled":true},{"id":"remove_urls_emails","enabled":true}],
             "segmentation":{"separator":"\\n\\n","max_tokens":800},"parent_mode":"full-doc",
             "subchunk_segmentation":{"delimiter":"\\n","max_tokens":120,"chunk_overlap":10}}}
            """);
        var rule = ProcessRuleJson.Parse(json);
        Assert.Equal(ProcessRuleMode.Hierarchical, rule.Mode);
        Assert.Equal(ParentMode.FullDoc, rule.ParentMode);
        Assert.Equal(new CleaningRules(true, true), rule.Cleaning);
        Assert.Equal(new Segmentation("\\n\\n", 800, 0), rule.Segmentation);
        Assert.Equal(new Segmentation("\\n", 120, 10), rule.SubchunkSegmentation);
        Assert.Equal(rule, ProcessRuleJson.Parse(ProcessRuleJson.Write(rule)));
        Assert.Same(ProcessRule.Automatic, ProcessRuleJson.Parse(System.Text.Json.Nodes.JsonNode.Parse("""{"mode":"automatic"}""")));
    }
}
