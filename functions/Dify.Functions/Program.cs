using Azure.Core.Serialization;
using Dify.Cloud;
using Dify.Durable;
using Dify.Functions.Durable;
using Dify.Workflows.Engine;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
// Durable payloads (run requests, node inputs and results) use the engine's JSON settings, as the embedded runtime does.
builder.Services.Configure<WorkerOptions>(o => o.Serializer = new JsonObjectSerializer(WorkflowOrchestrator.SerializerOptions));
builder.Services.AddDifyCloud(builder.Configuration);
builder.Services.AddSingleton<DurableOrchestrationClient>();
builder.Services.AddSingleton<IOrchestrationClient>(sp => sp.GetRequiredService<DurableOrchestrationClient>());
builder.Build().Run();
