using System.Buffers;
using System.Globalization;
using System.Text;
using System.Xml;
using Azure.Core;
using Dify.Storage.Azure.Pipeline;

namespace Dify.Storage.Azure.Blobs;

/// <summary>
/// Writes a stream as a block blob without holding more than one block in memory: a stream that ends
/// within the first block goes in one Put Blob; otherwise each block is a Put Block and a Put Block List
/// commits them with the blob's content type, metadata and conditions. Works with unseekable streams.
/// </summary>
internal sealed class BlockUpload(StoragePipeline pipeline, string blobPath, BlobPutOptions options, int blockSize)
{
    /// <summary>The service's limit on blocks per blob.</summary>
    private const int MaxBlocks = 50_000;

    public async Task<BlobWriteResult> RunAsync(Stream content, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(blockSize);
        try
        {
            var filled = await FillAsync(content, buffer, cancellationToken).ConfigureAwait(false);
            if (filled < blockSize || (content.CanSeek && content.Position >= content.Length))
            {
                return await PutBlobAsync(buffer.AsMemory(0, filled), cancellationToken).ConfigureAwait(false);
            }

            // Block ids must all have the same length; a per-upload prefix keeps concurrent uploads apart.
            var prefix = Guid.NewGuid().ToString("N");
            var blockIds = new List<string>();
            while (filled > 0)
            {
                if (blockIds.Count == MaxBlocks)
                {
                    throw new InvalidOperationException($"The stream needs more than {MaxBlocks} blocks of {blockSize} bytes; use a larger block size.");
                }
                var id = Convert.ToBase64String(Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{prefix}-{blockIds.Count:D6}")));
                await PutBlockAsync(id, buffer.AsMemory(0, filled), cancellationToken).ConfigureAwait(false);
                blockIds.Add(id);
                filled = await FillAsync(content, buffer, cancellationToken).ConfigureAwait(false);
            }
            return await PutBlockListAsync(blockIds, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Reads until <paramref name="buffer"/>'s first <c>blockSize</c> bytes are full or the stream ends.</summary>
    private async Task<int> FillAsync(Stream content, byte[] buffer, CancellationToken cancellationToken)
    {
        var filled = 0;
        while (filled < blockSize)
        {
            var read = await content.ReadAsync(buffer.AsMemory(filled, blockSize - filled), cancellationToken).ConfigureAwait(false);
            if (read == 0) break;
            filled += read;
        }
        return filled;
    }

    private async Task<BlobWriteResult> PutBlobAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        using var message = pipeline.CreateMessage(RequestMethod.Put, blobPath);
        message.Request.Headers.SetValue("x-ms-blob-type", "BlockBlob");
        ApplyBlobSettings(message.Request);
        message.Request.Content = RequestContent.Create(data);
        var response = await pipeline.SendAsync(message, [201], cancellationToken).ConfigureAwait(false);
        return BlobHeaders.ReadWriteResult(response);
    }

    private async Task PutBlockAsync(string blockId, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        using var message = pipeline.CreateMessage(RequestMethod.Put, blobPath);
        message.Request.Uri.AppendQuery("comp", "block");
        message.Request.Uri.AppendQuery("blockid", blockId);
        message.Request.Content = RequestContent.Create(data);
        await pipeline.SendAsync(message, [201], cancellationToken).ConfigureAwait(false);
    }

    private async Task<BlobWriteResult> PutBlockListAsync(List<string> blockIds, CancellationToken cancellationToken)
    {
        using var xml = new MemoryStream();
        using (var writer = XmlWriter.Create(xml, new XmlWriterSettings { Encoding = new UTF8Encoding(false), Async = true }))
        {
            await writer.WriteStartDocumentAsync().ConfigureAwait(false);
            await writer.WriteStartElementAsync(null, "BlockList", null).ConfigureAwait(false);
            foreach (var id in blockIds)
            {
                await writer.WriteElementStringAsync(null, "Latest", null, id).ConfigureAwait(false);
            }
            await writer.WriteEndElementAsync().ConfigureAwait(false);
            await writer.WriteEndDocumentAsync().ConfigureAwait(false);
        }

        using var message = pipeline.CreateMessage(RequestMethod.Put, blobPath);
        message.Request.Uri.AppendQuery("comp", "blocklist");
        message.Request.Headers.SetValue("Content-Type", "application/xml");
        ApplyBlobSettings(message.Request);
        message.Request.Content = RequestContent.Create(xml.ToArray());
        var response = await pipeline.SendAsync(message, [201], cancellationToken).ConfigureAwait(false);
        return BlobHeaders.ReadWriteResult(response);
    }

    private void ApplyBlobSettings(Request request)
    {
        request.Headers.SetValue("x-ms-blob-content-type", options.ContentType ?? "application/octet-stream");
        BlobHeaders.ApplyMetadata(request, options.Metadata);
        BlobHeaders.ApplyConditions(request, options.Conditions);
    }
}
