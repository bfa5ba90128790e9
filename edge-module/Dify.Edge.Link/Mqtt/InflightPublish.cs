namespace Dify.Edge.Link.Mqtt;

/// <summary>A QoS 1 PUBLISH awaiting PUBACK; kept across reconnects and re-sent with DUP set.</summary>
internal sealed class InflightPublish(ushort packetId, long order, byte[] encoded)
{
    public ushort PacketId { get; } = packetId;

    /// <summary>Publish order, so re-sends after a reconnect keep it.</summary>
    public long Order { get; } = order;

    public byte[] Encoded { get; } = encoded;

    /// <summary>Id of the connection it was last written to; 0 = never written.</summary>
    public long SentOnConnection { get; set; }

    public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The bytes to write on <paramref name="connectionId"/>: DUP is set when it went out before.</summary>
    public byte[] BytesFor(long connectionId)
    {
        var first = SentOnConnection == 0;
        SentOnConnection = connectionId;
        if (first)
        {
            return Encoded;
        }
        var copy = (byte[])Encoded.Clone();
        copy[0] |= 0x08;
        return copy;
    }
}
