namespace Dify.Edge.Link.Mqtt;

/// <summary>MQTT delivery guarantee. IoT Hub supports 0 and 1 only.</summary>
public enum MqttQos : byte
{
    AtMostOnce = 0,
    AtLeastOnce = 1,
}

/// <summary>An application message: what is published, or what arrives on a subscription.</summary>
public sealed record MqttMessage(string Topic, ReadOnlyMemory<byte> Payload, MqttQos Qos = MqttQos.AtLeastOnce, bool Retain = false)
{
    /// <summary>True when the broker marked it as a possible re-delivery.</summary>
    public bool Duplicate { get; init; }
}

/// <summary>A topic filter to subscribe to, with the highest QoS wanted.</summary>
public sealed record MqttSubscription(string TopicFilter, MqttQos Qos = MqttQos.AtLeastOnce);
