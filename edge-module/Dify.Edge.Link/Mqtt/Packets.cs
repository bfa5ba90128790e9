namespace Dify.Edge.Link.Mqtt;

/// <summary>Control packet types (MQTT 3.1.1, section 2.2.1).</summary>
internal enum MqttPacketType : byte
{
    Connect = 1,
    ConnAck = 2,
    Publish = 3,
    PubAck = 4,
    Subscribe = 8,
    SubAck = 9,
    Unsubscribe = 10,
    UnsubAck = 11,
    PingReq = 12,
    PingResp = 13,
    Disconnect = 14,
}

/// <summary>A decoded MQTT control packet (the subset a client needs, both directions).</summary>
internal abstract record MqttPacket;

internal sealed record ConnectPacket(string ClientId, string? Username, string? Password, ushort KeepAliveSeconds, bool CleanSession) : MqttPacket
{
    // The password is a SAS token: never let a log line or an assertion message print it.
    public override string ToString() => $"CONNECT {{ ClientId = {ClientId}, Username = {Username}, KeepAlive = {KeepAliveSeconds}, CleanSession = {CleanSession} }}";
}

internal sealed record ConnAckPacket(bool SessionPresent, ConnectReturnCode ReturnCode) : MqttPacket;

internal sealed record PublishPacket(string Topic, ReadOnlyMemory<byte> Payload, MqttQos Qos, bool Retain, bool Dup, ushort PacketId) : MqttPacket;

internal sealed record PubAckPacket(ushort PacketId) : MqttPacket;

internal sealed record SubscribePacket(ushort PacketId, IReadOnlyList<MqttSubscription> Subscriptions) : MqttPacket;

/// <summary>Return codes: 0 or 1 = granted QoS, 0x80 = failure.</summary>
internal sealed record SubAckPacket(ushort PacketId, IReadOnlyList<byte> ReturnCodes) : MqttPacket;

internal sealed record PingReqPacket : MqttPacket;

internal sealed record PingRespPacket : MqttPacket;

internal sealed record DisconnectPacket : MqttPacket;
