using System.Buffers;
using Dify.Edge.Link.Mqtt;

namespace Dify.Edge.Link.Tests.Mqtt;

public sealed class PacketCodecTests
{
    [Theory]
    [InlineData(0, new byte[] { 0x00 })]
    [InlineData(127, new byte[] { 0x7F })]
    [InlineData(128, new byte[] { 0x80, 0x01 })]
    [InlineData(16_383, new byte[] { 0xFF, 0x7F })]
    [InlineData(16_384, new byte[] { 0x80, 0x80, 0x01 })]
    [InlineData(2_097_151, new byte[] { 0xFF, 0xFF, 0x7F })]
    [InlineData(2_097_152, new byte[] { 0x80, 0x80, 0x80, 0x01 })]
    [InlineData(268_435_455, new byte[] { 0xFF, 0xFF, 0xFF, 0x7F })]
    public void Remaining_length_boundaries_encode_and_decode(int value, byte[] expected)
    {
        var buffer = new byte[4];
        var written = RemainingLength.Write(value, buffer);
        Assert.Equal(expected, buffer[..written]);

        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(expected));
        Assert.True(RemainingLength.TryRead(ref reader, out var decoded));
        Assert.Equal(value, decoded);
        Assert.Equal(expected.Length, reader.Consumed);
    }

    [Fact]
    public void Remaining_length_rejects_out_of_range_values_and_a_fifth_byte()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => RemainingLength.Write(268_435_456, new byte[8]));
        Assert.Throws<ArgumentOutOfRangeException>(() => RemainingLength.Write(-1, new byte[8]));
        Assert.Throws<MqttProtocolException>(() =>
        {
            var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>([0xFF, 0xFF, 0xFF, 0xFF, 0x01]));
            RemainingLength.TryRead(ref reader, out _);
        });
    }

    [Fact]
    public void Remaining_length_split_before_its_last_byte_needs_more_data()
    {
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>([0x80, 0x80]));
        Assert.False(RemainingLength.TryRead(ref reader, out _));
    }

    [Fact]
    public void Connect_matches_the_specification_layout()
    {
        var bytes = MqttPacketEncoder.Encode(new ConnectPacket("dev/mod", "hub/dev/mod/?api-version=2021-04-12", "pw", 60, CleanSession: false));
        var user = "hub/dev/mod/?api-version=2021-04-12"u8.ToArray();
        byte[] expectedBody =
        [
            0x00, 0x04, (byte)'M', (byte)'Q', (byte)'T', (byte)'T', 0x04,
            0xC0, // user name + password, clean session off
            0x00, 0x3C, // keep-alive 60 s
            0x00, 0x07, .. "dev/mod"u8.ToArray(),
            0x00, (byte)user.Length, .. user,
            0x00, 0x02, (byte)'p', (byte)'w',
        ];
        Assert.Equal(0x10, bytes[0]);
        Assert.Equal(expectedBody.Length, bytes[1]);
        Assert.Equal(expectedBody, bytes[2..]);
    }

    [Fact]
    public void Publish_flags_and_packet_id_are_on_the_wire()
    {
        var qos1 = MqttPacketEncoder.Encode(new PublishPacket("a/b", "hi"u8.ToArray(), MqttQos.AtLeastOnce, Retain: true, Dup: true, PacketId: 0x1234));
        Assert.Equal([0x3B, 9, 0x00, 0x03, (byte)'a', (byte)'/', (byte)'b', 0x12, 0x34, (byte)'h', (byte)'i'], qos1);

        var qos0 = MqttPacketEncoder.Encode(new PublishPacket("a", "x"u8.ToArray(), MqttQos.AtMostOnce, false, false, 0));
        Assert.Equal([0x30, 4, 0x00, 0x01, (byte)'a', (byte)'x'], qos0);

        Assert.Throws<ArgumentException>(() => MqttPacketEncoder.Encode(new PublishPacket("a", default, MqttQos.AtLeastOnce, false, false, 0)));
        Assert.Throws<ArgumentException>(() => MqttPacketEncoder.Encode(new ConnectPacket("c", null, "password-without-user", 60, false)));
    }

    private static readonly MqttPacket[] RoundTripPackets =
    [
        new ConnectPacket("client", null, null, 0, CleanSession: true),
        new ConnectPacket("c", "user", "secret", 1177, CleanSession: false),
        new ConnAckPacket(true, ConnectReturnCode.Accepted),
        new ConnAckPacket(false, ConnectReturnCode.NotAuthorized),
        new PubAckPacket(65535),
        new SubAckPacket(7, [0, 1, 0x80]),
        new PingReqPacket(),
        new PingRespPacket(),
        new DisconnectPacket(),
    ];

    public static TheoryData<int> PacketIndexes() => [.. Enumerable.Range(0, RoundTripPackets.Length)];

    [Theory]
    [MemberData(nameof(PacketIndexes))]
    public void Packets_round_trip(int index)
    {
        var packet = RoundTripPackets[index];
        var sequence = new ReadOnlySequence<byte>(MqttPacketEncoder.Encode(packet));
        Assert.True(MqttPacketDecoder.TryRead(ref sequence, 1 << 20, out var decoded));
        Assert.IsType(packet.GetType(), decoded);
        Assert.Equal(MqttPacketEncoder.Encode(packet), MqttPacketEncoder.Encode(decoded!)); // every field survived
        Assert.True(sequence.IsEmpty);
    }

    [Fact]
    public void Publish_and_subscribe_round_trip_with_large_payloads()
    {
        var payload = Enumerable.Range(0, 20_000).Select(i => (byte)i).ToArray(); // 3-byte remaining length
        var publish = new PublishPacket("devices/d/modules/m/messages/events/%24.mid=1", payload, MqttQos.AtLeastOnce, false, true, 42);
        var subscribe = new SubscribePacket(9, [new MqttSubscription("$iothub/twin/res/#"), new MqttSubscription("x/+", MqttQos.AtMostOnce)]);

        var bytes = MqttPacketEncoder.Encode(publish).Concat(MqttPacketEncoder.Encode(subscribe)).ToArray();
        var sequence = new ReadOnlySequence<byte>(bytes);

        Assert.True(MqttPacketDecoder.TryRead(ref sequence, 1 << 20, out var first));
        var p = Assert.IsType<PublishPacket>(first);
        Assert.Equal((publish.Topic, publish.Qos, publish.Dup, publish.PacketId), (p.Topic, p.Qos, p.Dup, p.PacketId));
        Assert.Equal(payload, p.Payload.ToArray());
        Assert.True(MqttPacketDecoder.TryRead(ref sequence, 1 << 20, out var second));
        var s = Assert.IsType<SubscribePacket>(second);
        Assert.Equal(subscribe.Subscriptions, s.Subscriptions);
        Assert.True(sequence.IsEmpty);
    }

    [Fact]
    public void A_packet_split_across_segments_is_read_only_when_complete()
    {
        var bytes = MqttPacketEncoder.Encode(new PublishPacket("t", new byte[300], MqttQos.AtLeastOnce, false, false, 1));
        for (var cut = 1; cut < bytes.Length; cut += 37)
        {
            var partial = new ReadOnlySequence<byte>(bytes[..cut]);
            Assert.False(MqttPacketDecoder.TryRead(ref partial, 1 << 20, out _));
            Assert.Equal(cut, partial.Length); // untouched

            var whole = Segments(bytes[..cut], bytes[cut..]);
            Assert.True(MqttPacketDecoder.TryRead(ref whole, 1 << 20, out var packet));
            Assert.Equal(300, Assert.IsType<PublishPacket>(packet).Payload.Length);
        }
    }

    [Fact]
    public void Malformed_packets_are_rejected()
    {
        Assert.Throws<MqttProtocolException>(() => Read([0x40, 0x01, 0x00])); // PUBACK cut short
        Assert.Throws<MqttProtocolException>(() => Read([0x41, 0x02, 0x00, 0x01])); // PUBACK with flags
        Assert.Throws<MqttProtocolException>(() => Read([0x34, 0x03, 0x00, 0x01, (byte)'a'])); // QoS 2
        Assert.Throws<MqttProtocolException>(() => Read([0x20, 0x03, 0x00, 0x00, 0x00])); // CONNACK too long
        Assert.Throws<MqttProtocolException>(() => Read([0x40, 0x02, 0x00, 0x01], maxPacketSize: 1));
    }

    private static void Read(byte[] bytes, int maxPacketSize = 1 << 20)
    {
        var sequence = new ReadOnlySequence<byte>(bytes);
        MqttPacketDecoder.TryRead(ref sequence, maxPacketSize, out _);
    }

    private static ReadOnlySequence<byte> Segments(byte[] first, byte[] second)
    {
        var a = new Segment(first, 0);
        var b = a.Append(second);
        return new ReadOnlySequence<byte>(a, 0, b, second.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(byte[] memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(byte[] memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
