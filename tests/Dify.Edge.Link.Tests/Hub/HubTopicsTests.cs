using Dify.Edge.Link.Hub;

namespace Dify.Edge.Link.Tests.Hub;

public sealed class HubTopicsTests
{
    [Fact]
    public void Property_bag_escapes_everything_but_system_prefixes_and_round_trips()
    {
        var bag = PropertyBag.Encode([new("$.mid", "a-1"), new("$.ct", "application/json"), new("line", "3 & 4=#+/")]);

        Assert.Equal("$.mid=a-1&$.ct=application%2Fjson&line=3%20%26%204%3D%23%2B%2F", bag);
        var decoded = PropertyBag.Decode(bag);
        Assert.Equal("3 & 4=#+/", decoded["line"]);
        Assert.Equal("application/json", decoded["$.ct"]);
    }

    [Fact]
    public void Twin_and_method_topics_parse()
    {
        Assert.True(HubTopics.TryParseTwinResponse("$iothub/twin/res/204/?$rid=7&$version=12", out var status, out var rid, out var version));
        Assert.Equal((204, "7", 12L), (status, rid, version!.Value));
        Assert.True(HubTopics.TryParseTwinResponse("$iothub/twin/res/200/?$rid=8", out _, out _, out var none));
        Assert.Null(none);
        Assert.False(HubTopics.TryParseTwinResponse("$iothub/twin/res/200/", out _, out _, out _)); // no rid

        Assert.True(HubTopics.TryParseDesiredPatch("$iothub/twin/PATCH/properties/desired/?$version=3", out var desired));
        Assert.Equal(3L, desired);

        Assert.True(HubTopics.TryParseMethodRequest("$iothub/methods/POST/reboot/?$rid=ab", out var name, out var methodRid));
        Assert.Equal(("reboot", "ab"), (name, methodRid));
        Assert.False(HubTopics.TryParseMethodRequest("$iothub/methods/POST//?$rid=ab", out _, out _));

        Assert.Equal("$iothub/methods/res/200/?$rid=ab", HubTopics.MethodResponse(200, "ab"));
        Assert.Equal("devices/d/modules/m/messages/events/a=1", HubTopics.Telemetry("d", "m", "a=1"));
        Assert.Equal("devices/d/messages/events/", HubTopics.Telemetry("d", null, ""));
        }

    [Fact]
    public void Module_input_topics_parse_with_their_property_bag()
    {
        Assert.Equal("devices/d/modules/m/inputs/#", HubTopics.InputMessages("d", "m"));
        Assert.True(HubTopics.TryParseInputMessage("devices/d/modules/m/inputs/frames/$.ct=application%2Fjson&$.cmid=camera&line=3", "d", "m", out var input, out var properties));
        Assert.Equal("frames", input);
        Assert.Equal("application/json", properties["$.ct"]);
        Assert.Equal("camera", properties["$.cmid"]);
        Assert.Equal("3", properties["line"]);
        Assert.True(HubTopics.TryParseInputMessage("devices/d/modules/m/inputs/frames", "d", "m", out input, out properties));
        Assert.Equal(("frames", 0), (input, properties.Count));
        Assert.False(HubTopics.TryParseInputMessage("devices/d/modules/other/inputs/frames/", "d", "m", out _, out _));
        Assert.False(HubTopics.TryParseInputMessage("devices/d/modules/m/inputs//", "d", "m", out _, out _));
        Assert.False(HubTopics.TryParseInputMessage("devices/d/modules/m/inputs/frames/", "d", null, out _, out _));
    }
}
