using Dify.Edge.Link.Hub;

namespace Dify.Edge.Link.Tests.Hub;

public sealed class SasTokenTests
{
    // Computed independently with openssl:
    //   printf 'myhub.azure-devices.net%2Fdevices%2Fpress-07%2Fmodules%2Fdify-edge\n1767225600' \
    //     | openssl dgst -sha256 -hmac "dify-edge-test-module-key-32byte" -binary | base64
    internal const string Key = "ZGlmeS1lZGdlLXRlc3QtbW9kdWxlLWtleS0zMmJ5dGU="; // base64("dify-edge-test-module-key-32byte")
    internal const long Expiry = 1767225600; // 2026-01-01T00:00:00Z
    internal const string ExpectedToken =
        "SharedAccessSignature sr=myhub.azure-devices.net%2Fdevices%2Fpress-07%2Fmodules%2Fdify-edge"
        + "&sig=CeehZVkxG%2BPNtI6OifokEF7Se%2BwZhbnezMslkDAWR2A%3D&se=1767225600";

    [Fact]
    public async Task Module_token_matches_the_independently_computed_vector()
    {
        var resource = SasToken.ResourceUri("myhub.azure-devices.net", "press-07", "dify-edge");
        Assert.Equal("myhub.azure-devices.net/devices/press-07/modules/dify-edge", resource);

        var token = await SasToken.CreateAsync(resource, DateTimeOffset.FromUnixTimeSeconds(Expiry), new SharedKeySignatureProvider(Key));

        Assert.Equal(ExpectedToken, token);
    }

    [Fact]
    public async Task Device_resource_and_policy_name()
    {
        Assert.Equal("h.azure-devices.net/devices/d1", SasToken.ResourceUri("h.azure-devices.net", "d1", null));
        var token = await SasToken.CreateAsync("h.azure-devices.net", DateTimeOffset.FromUnixTimeSeconds(100), new SharedKeySignatureProvider(Key), "iothubowner");
        Assert.StartsWith("SharedAccessSignature sr=h.azure-devices.net&sig=", token, StringComparison.Ordinal);
        Assert.EndsWith("&se=100&skn=iothubowner", token, StringComparison.Ordinal);
    }

    [Fact]
    public void Connection_string_parses_and_hides_its_key()
    {
        var parsed = IotHubConnectionString.Parse($"HostName=myhub.azure-devices.net;DeviceId=press-07;ModuleId=dify-edge;SharedAccessKey={Key}");

        Assert.Equal(("myhub.azure-devices.net", "press-07", "dify-edge", Key), (parsed.HostName, parsed.DeviceId, parsed.ModuleId, parsed.SharedAccessKey));
        Assert.DoesNotContain(Key, parsed.ToString(), StringComparison.Ordinal);
        Assert.Throws<FormatException>(() => IotHubConnectionString.Parse("HostName=h;DeviceId=d"));
        Assert.Throws<FormatException>(() => IotHubConnectionString.Parse("HostName=h;DeviceId=d;SharedAccessKey=not base64!"));
    }

    [Fact]
    public void Module_identity_gives_the_iot_hub_user_name_and_client_id()
    {
        var options = HubLinkOptions.FromConnectionString($"HostName=myhub.azure-devices.net;DeviceId=press-07;ModuleId=dify-edge;SharedAccessKey={Key}");

        Assert.Equal("press-07/dify-edge", options.ClientId);
        Assert.Equal("myhub.azure-devices.net/press-07/dify-edge/?api-version=2021-04-12", options.Username);
    }
}
