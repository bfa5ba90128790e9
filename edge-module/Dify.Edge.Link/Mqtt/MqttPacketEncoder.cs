using System.Buffers.Binary;
using System.Text;

namespace Dify.Edge.Link.Mqtt;

/// <summary>Serializes packets to their wire bytes (fixed header + variable header + payload).</summary>
internal static class MqttPacketEncoder
{
    private static readonly byte[] ProtocolName = "MQTT"u8.ToArray();
    private const byte ProtocolLevel = 4; // 3.1.1

    public static byte[] Encode(MqttPacket packet) => packet switch
    {
        ConnectPacket p => EncodeConnect(p),
        ConnAckPacket p => Frame(0x20, 2, (body) => { body[0] = p.SessionPresent ? (byte)1 : (byte)0; body[1] = (byte)p.ReturnCode; }),
        PublishPacket p => EncodePublish(p),
        PubAckPacket p => Frame(0x40, 2, body => BinaryPrimitives.WriteUInt16BigEndian(body, p.PacketId)),
        SubscribePacket p => EncodeSubscribe(p),
        SubAckPacket p => EncodeSubAck(p),
        PingReqPacket => [0xC0, 0x00],
        PingRespPacket => [0xD0, 0x00],
        DisconnectPacket => [0xE0, 0x00],
        _ => throw new ArgumentException($"cannot encode {packet.GetType().Name}", nameof(packet)),
    };

    private static byte[] EncodeConnect(ConnectPacket p)
    {
        if (p.Password is not null && p.Username is null)
        {
            throw new ArgumentException("MQTT 3.1.1 allows a password only with a user name (section 3.1.2.9)", nameof(p));
        }
        var clientId = Utf8(p.ClientId);
        var username = p.Username is null ? null : Utf8(p.Username);
        var password = p.Password is null ? null : Utf8(p.Password);
        var length = 2 + ProtocolName.Length + 1 + 1 + 2 + 2 + clientId.Length
            + (username is null ? 0 : 2 + username.Length)
            + (password is null ? 0 : 2 + password.Length);
        byte flags = 0;
        if (username is not null)
        {
            flags |= 0x80;
        }
        if (password is not null)
        {
            flags |= 0x40;
        }
        if (p.CleanSession)
        {
            flags |= 0x02;
        }
        return Frame(0x10, length, body =>
        {
            var w = new SpanWriter(body);
            w.WriteBinary(ProtocolName);
            w.WriteByte(ProtocolLevel);
            w.WriteByte(flags);
            w.WriteUInt16(p.KeepAliveSeconds);
            w.WriteBinary(clientId);
            if (username is not null)
            {
                w.WriteBinary(username);
            }
            if (password is not null)
            {
                w.WriteBinary(password);
            }
        });
    }

    private static byte[] EncodePublish(PublishPacket p)
    {
        var topic = Utf8(p.Topic);
        var hasId = p.Qos != MqttQos.AtMostOnce;
        if (hasId && p.PacketId == 0)
        {
            throw new ArgumentException("a QoS 1 PUBLISH needs a non-zero packet id", nameof(p));
        }
        var length = 2 + topic.Length + (hasId ? 2 : 0) + p.Payload.Length;
        var header = (byte)(0x30 | (p.Dup ? 0x08 : 0) | ((byte)p.Qos << 1) | (p.Retain ? 0x01 : 0));
        return Frame(header, length, body =>
        {
            var w = new SpanWriter(body);
            w.WriteBinary(topic);
            if (hasId)
            {
                w.WriteUInt16(p.PacketId);
            }
            w.WriteRaw(p.Payload.Span);
        });
    }

    private static byte[] EncodeSubscribe(SubscribePacket p)
    {
        if (p.Subscriptions.Count == 0)
        {
            throw new ArgumentException("SUBSCRIBE needs at least one topic filter", nameof(p));
        }
        var filters = p.Subscriptions.Select(s => Utf8(s.TopicFilter)).ToArray();
        var length = 2 + filters.Sum(f => 2 + f.Length + 1);
        return Frame(0x82, length, body =>
        {
            var w = new SpanWriter(body);
            w.WriteUInt16(p.PacketId);
            for (var i = 0; i < filters.Length; i++)
            {
                w.WriteBinary(filters[i]);
                w.WriteByte((byte)p.Subscriptions[i].Qos);
            }
        });
    }

    private static byte[] EncodeSubAck(SubAckPacket p) => Frame(0x90, 2 + p.ReturnCodes.Count, body =>
    {
        var w = new SpanWriter(body);
        w.WriteUInt16(p.PacketId);
        foreach (var code in p.ReturnCodes)
        {
            w.WriteByte(code);
        }
    });

    private static byte[] Utf8(string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        if (bytes.Length > ushort.MaxValue)
        {
            throw new ArgumentException($"an MQTT string is at most {ushort.MaxValue} bytes; got {bytes.Length}");
        }
        return bytes;
    }

    private delegate void BodyWriter(Span<byte> body);

    private static byte[] Frame(byte header, int bodyLength, BodyWriter writeBody)
    {
        var prefix = 1 + RemainingLength.SizeOf(bodyLength);
        var packet = new byte[prefix + bodyLength];
        packet[0] = header;
        RemainingLength.Write(bodyLength, packet.AsSpan(1));
        writeBody(packet.AsSpan(prefix));
        return packet;
    }

    private ref struct SpanWriter(Span<byte> target)
    {
        private readonly Span<byte> _target = target;
        private int _position;

        public void WriteByte(byte value) => _target[_position++] = value;

        public void WriteUInt16(ushort value)
        {
            BinaryPrimitives.WriteUInt16BigEndian(_target[_position..], value);
            _position += 2;
        }

        /// <summary>A length-prefixed string or binary field.</summary>
        public void WriteBinary(ReadOnlySpan<byte> value)
        {
            WriteUInt16((ushort)value.Length);
            WriteRaw(value);
        }

        public void WriteRaw(ReadOnlySpan<byte> value)
        {
            value.CopyTo(_target[_position..]);
            _position += value.Length;
        }
    }
}
