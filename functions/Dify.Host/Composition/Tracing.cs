using Dify.Workflows.Engine.Events;
using Microsoft.Extensions.Configuration;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Dify.Host.Composition;

/// <summary>
/// Optional OpenTelemetry export of the run and node spans (<see cref="TracingRunEventSink"/>).
/// `OpenTelemetry:Exporter` = none (default) | otlp; `OpenTelemetry:Endpoint` (default http://localhost:4318/v1/traces,
/// OTLP over HTTP/protobuf); `OpenTelemetry:ServiceName` (default dify-functions).
/// </summary>
internal static class Tracing
{
    public static TracerProvider? Create(IConfiguration configuration)
    {
        var section = configuration.GetSection("OpenTelemetry");
        var exporter = section["Exporter"]?.Trim().ToLowerInvariant();
        if (exporter is null or "" or "none") return null;
        if (exporter != "otlp") throw new InvalidOperationException($"OpenTelemetry:Exporter must be 'none' or 'otlp', got '{exporter}'.");
        var endpoint = new Uri(section["Endpoint"] ?? "http://localhost:4318/v1/traces");
        return Sdk.CreateTracerProviderBuilder()
            .SetResourceBuilder(ResourceBuilder.CreateDefault().AddService(section["ServiceName"] ?? "dify-functions"))
            .AddSource(TracingRunEventSink.SourceName)
            .AddOtlpExporter(o =>
            {
                o.Endpoint = endpoint;
                o.Protocol = OtlpExportProtocol.HttpProtobuf;
            })
            .Build();
    }
}
