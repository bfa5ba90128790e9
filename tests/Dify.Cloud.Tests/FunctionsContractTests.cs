using System.Text.Json;
using Dify.Cloud.Edge;
using Dify.Cloud.Engine;
using Dify.Workflows.Engine;
using Dify.Workflows.Engine.Runtime;

namespace Dify.Cloud.Tests;

/// <summary>What the Functions app relies on from Dify.Cloud beyond the composition: names and the IoT Hub message metadata.</summary>
public sealed class FunctionsContractTests
{
    [Fact]
    public void Engine_names_map_to_the_function_names_the_attributes_use()
    {
        Assert.Equal(DurableFunctionNames.Workflow, DurableFunctionNames.Of(WorkflowOrchestrator.Name));
        Assert.Equal(DurableFunctionNames.Node, DurableFunctionNames.Of(NodeActivity.Name));
        Assert.Matches(DurableFunctionNames.ValidName(), DurableFunctionNames.Workflow);
        Assert.Throws<ArgumentException>(() => DurableFunctionNames.Of("9 lives"));
    }

    [Fact]
    public void Reads_the_sender_and_properties_of_an_iot_hub_message()
    {
        var system = Parse("""{"iothub-connection-device-id":"camera-01","iothub-connection-module-id":"dify-edge","message-id":"m-7","content-type":"application/json","iothub-enqueuedtime":"2026-01-01T00:00:00Z"}""");
        var properties = Parse("""{"kind":"defect","score":0.93,"urgent":true,"empty":null}""");

        var metadata = IoTHubMessageMetadata.Read(system, properties, 0);

        Assert.Equal("camera-01", metadata.DeviceId);
        Assert.Equal("dify-edge", metadata.ModuleId);
        Assert.Equal("m-7", metadata.MessageId);
        Assert.Equal("application/json", metadata.ContentType);
        Assert.Equal("defect", metadata.Properties["kind"]);
        Assert.Equal("0.93", metadata.Properties["score"]);
        Assert.Equal("true", metadata.Properties["urgent"]);
        Assert.False(metadata.Properties.ContainsKey("empty"));
    }

    [Fact]
    public void A_message_without_a_device_is_refused_naming_its_position()
    {
        var error = Assert.Throws<FormatException>(() => IoTHubMessageMetadata.Read(Parse("""{"x-opt-offset":"12"}"""), null, 3));
        Assert.Contains("Message 3", error.Message);
        Assert.Contains("iothub-connection-device-id", error.Message);
    }

    [Fact]
    public void A_batch_keeps_device_messages_with_their_positions_and_leaves_out_the_rest()
    {
        // The shapes the Event Hubs trigger binds (systemPropertiesArray, propertiesArray).
        Dictionary<string, JsonElement>[] system =
        [
            Parse("""{"iothub-connection-device-id":"a"}"""), Parse("""{"x-opt-offset":"1"}"""), null!, Parse("""{"iothub-connection-device-id":"b"}"""),
        ];
        Dictionary<string, JsonElement>[] properties = [null!, null!, null!, Parse("""{"k":"v"}""")];

        var batch = IoTHubMessageMetadata.ReadBatch(system, properties, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);

        Assert.Equal([0, 3], batch.Select(x => x.Position));
        Assert.Equal(["a", "b"], batch.Select(x => x.Metadata.DeviceId));
        Assert.Equal("v", batch[1].Metadata.Properties["k"]);
    }

    private static Dictionary<string, JsonElement> Parse(string json) => JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(json)!;
}
