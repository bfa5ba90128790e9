using Dify.Knowledge.Splitting;

namespace Dify.Knowledge.Pipeline.Steps;

/// <summary>cleaning: applies the rule's pre-processing (Dify's CleanProcessor) block by block as the text is read.</summary>
internal sealed class CleanStep : IIngestionStep
{
    public DocumentStatus Status => DocumentStatus.Cleaning;
    public string? CompletedColumn => "cleaning_completed_at";

    public Task RunAsync(IngestionContext context, CancellationToken cancellationToken)
    {
        var text = context.Text ?? throw new InvalidOperationException("Cleaning needs the parsed text.");
        context.CleanedBlocks = CleanedTextReader.ReadBlocksAsync(text, context.Chunker.Cleaning, cancellationToken: cancellationToken);
        return Task.CompletedTask;
    }
}
