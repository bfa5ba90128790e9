namespace Dify.Edge.Link.Mqtt;

/// <summary>CONNACK return codes (MQTT 3.1.1, section 3.2.2.3).</summary>
public enum ConnectReturnCode : byte
{
    Accepted = 0,
    UnacceptableProtocolVersion = 1,
    IdentifierRejected = 2,
    ServerUnavailable = 3,
    BadUsernameOrPassword = 4,
    NotAuthorized = 5,
}

/// <summary>The broker answered CONNECT with a refusal.</summary>
public sealed class MqttConnectException(ConnectReturnCode code)
    : Exception($"The MQTT broker refused the connection: {Describe(code)}")
{
    public ConnectReturnCode ReturnCode { get; } = code;

    public static string Describe(ConnectReturnCode code) => code switch
    {
        ConnectReturnCode.UnacceptableProtocolVersion => "unacceptable protocol version (1): the broker does not speak MQTT 3.1.1.",
        ConnectReturnCode.IdentifierRejected => "identifier rejected (2): the client id is not allowed; for IoT Hub it must be '{deviceId}' or '{deviceId}/{moduleId}'.",
        ConnectReturnCode.ServerUnavailable => "server unavailable (3): the broker cannot serve clients now; will retry.",
        ConnectReturnCode.BadUsernameOrPassword => "bad user name or password (4): check the user name ('{hub}/{deviceId}/{moduleId}/?api-version=...') and the SAS token.",
        ConnectReturnCode.NotAuthorized => "not authorized (5): the SAS token is wrong or expired, or the identity is disabled.",
        _ => $"unknown return code ({(byte)code}).",
    };
}

/// <summary>The connection broke (or closed) before the operation completed.</summary>
public sealed class MqttConnectionLostException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The peer sent bytes that are not valid MQTT 3.1.1.</summary>
public sealed class MqttProtocolException(string message) : Exception(message);

/// <summary>The broker refused a subscription (SUBACK 0x80).</summary>
public sealed class MqttSubscribeException(string topicFilter)
    : Exception($"The MQTT broker refused the subscription to '{topicFilter}'.")
{
    public string TopicFilter { get; } = topicFilter;
}
