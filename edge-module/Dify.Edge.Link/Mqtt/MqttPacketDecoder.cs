using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Dify.Edge.Link.Mqtt;

/// <summary>Parses packets from a byte stream's buffered bytes (as a <see cref="System.IO.Pipelines.PipeReader"/> gives them).</summary>
internal static class MqttPacketDecoder
{
    /// <summary>
    /// Reads one whole packet from the front of <paramref name="buffer"/> and slices it off; false (buffer untouched)
    /// when the packet is not complete yet. Throws <see cref="MqttProtocolException"/> on malformed bytes.
    /// </summary>
    public static bool TryRead(ref ReadOnlySequence<byte> buffer, int maxPacketSize, out MqttPacket? packet)
    {
        packet = null;
        var reader = new SequenceReader<byte>(buffer);
        if (!reader.TryRead(out var header) || !RemainingLength.TryRead(ref reader, out var length))
        {
            return false;
        }
        if (length > maxPacketSize)
        {
            throw new MqttProtocolException($"packet of {length} bytes exceeds the limit of {maxPacketSize}");
        }
        if (reader.Remaining < length)
        {
            return false;
        }
        var body = buffer.Slice(reader.Position, length);
        packet = Parse(header, body.ToArray());
        buffer = buffer.Slice(body.End);
        return true;
    }

    public static MqttPacket Parse(byte header, byte[] body)
    {
        var type = (MqttPacketType)(header >> 4);
        var flags = header & 0x0F;
        var r = new BodyReader(body);
        MqttPacket packet = type switch
        {
            MqttPacketType.Connect => ParseConnect(ref r),
            MqttPacketType.ConnAck => ParseConnAck(ref r),
            MqttPacketType.Publish => ParsePublish(ref r, flags),
            MqttPacketType.PubAck => new PubAckPacket(r.ReadUInt16()),
            MqttPacketType.Subscribe => ParseSubscribe(ref r),
            MqttPacketType.SubAck => new SubAckPacket(r.ReadUInt16(), r.ReadRest().ToArray()),
            MqttPacketType.PingReq => new PingReqPacket(),
            MqttPacketType.PingResp => new PingRespPacket(),
            MqttPacketType.Disconnect => new DisconnectPacket(),
            _ => throw new MqttProtocolException($"unsupported packet type {(int)type}"),
        };
        var expectedFlags = type switch
        {
            MqttPacketType.Publish => flags,
            MqttPacketType.Subscribe or MqttPacketType.Unsubscribe => 0x02,
            _ => 0,
        };
        if (flags != expectedFlags)
        {
            throw new MqttProtocolException($"invalid flags 0x{flags:X} for {type}");
        }
        if (type != MqttPacketType.Publish && !r.AtEnd)
        {
            throw new MqttProtocolException($"{type} has {r.Remaining} unexpected trailing bytes");
        }
        return packet;
    }

    private static ConnectPacket ParseConnect(ref BodyReader r)
    {
        var protocol = r.ReadString();
        var level = r.ReadByte();
        if (protocol != "MQTT" || level != 4)
        {
            throw new MqttProtocolException($"unsupported protocol {protocol} level {level}");
        }
        var flags = r.ReadByte();
        var keepAlive = r.ReadUInt16();
        var clientId = r.ReadString();
        if ((flags & 0x04) != 0)
        {
            r.ReadString(); // will topic
            r.ReadString(); // will message
        }
        var username = (flags & 0x80) != 0 ? r.ReadString() : null;
        var password = (flags & 0x40) != 0 ? r.ReadString() : null;
        return new ConnectPacket(clientId, username, password, keepAlive, (flags & 0x02) != 0);
    }

    private static ConnAckPacket ParseConnAck(ref BodyReader r)
    {
        var ackFlags = r.ReadByte();
        if ((ackFlags & 0xFE) != 0)
        {
            throw new MqttProtocolException("CONNACK reserved flags set");
        }
        return new ConnAckPacket((ackFlags & 1) != 0, (ConnectReturnCode)r.ReadByte());
    }

    private static PublishPacket ParsePublish(ref BodyReader r, int flags)
    {
        var qos = (flags >> 1) & 0x03;
        if (qos > 1)
        {
            throw new MqttProtocolException($"PUBLISH with QoS {qos} is not supported");
        }
        var topic = r.ReadString();
        ushort packetId = qos > 0 ? r.ReadUInt16() : (ushort)0;
        return new PublishPacket(topic, r.ReadRest(), (MqttQos)qos, (flags & 0x01) != 0, (flags & 0x08) != 0, packetId);
    }

    private static SubscribePacket ParseSubscribe(ref BodyReader r)
    {
        var id = r.ReadUInt16();
        var subscriptions = new List<MqttSubscription>();
        while (!r.AtEnd)
        {
            subscriptions.Add(new MqttSubscription(r.ReadString(), (MqttQos)r.ReadByte()));
        }
        return new SubscribePacket(id, subscriptions);
    }

    private ref struct BodyReader(byte[] body)
    {
        private readonly byte[] _body = body;
        private int _position;

        public readonly bool AtEnd => _position == _body.Length;
        public readonly int Remaining => _body.Length - _position;

        public byte ReadByte()
        {
            Need(1);
            return _body[_position++];
        }

        public ushort ReadUInt16()
        {
            Need(2);
            var value = BinaryPrimitives.ReadUInt16BigEndian(_body.AsSpan(_position));
            _position += 2;
            return value;
        }

        public string ReadString()
        {
            var length = ReadUInt16();
            Need(length);
            var value = Encoding.UTF8.GetString(_body, _position, length);
            _position += length;
            return value;
        }

        public ReadOnlyMemory<byte> ReadRest()
        {
            var rest = _body.AsMemory(_position);
            _position = _body.Length;
            return rest;
        }

        private readonly void Need(int count)
        {
            if (_body.Length - _position < count)
            {
                throw new MqttProtocolException("packet ends early");
            }
        }
    }
}
