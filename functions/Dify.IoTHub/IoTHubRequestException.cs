using Azure;

namespace Dify.IoTHub;

/// <summary>
/// Every failure of an IoT Hub call: an error status from the service (after retries) or a transport failure (status 0).
/// <see cref="RequestFailedException.ErrorCode"/> comes from <c>iothub-errorcode</c> or the body's <c>ErrorCode:…;</c>
/// (<c>DeviceNotFound</c>, <c>PreconditionFailed</c>, <c>GatewayTimeout</c>, …). Messages never carry the SAS.
/// </summary>
public sealed class IoTHubRequestException : RequestFailedException
{
    public IoTHubRequestException(int status, string? errorCode, string message, Exception? innerException = null)
        : base(status, message, errorCode, innerException)
    {
    }
}
