using Dify.Edge.Hosting;
using Microsoft.Extensions.Hosting;

// Configuration: appsettings.json, then environment variables (IoT Edge passes IOTEDGE_* and the module's own,
// e.g. Edge__DataDirectory, Edge__InputDirectory, Inference__RuntimePath, Inference__ExecutionProvider).
var builder = Host.CreateApplicationBuilder(args);
builder.Services.AddEdgeModule(builder.Configuration);
using var host = builder.Build();
await host.RunAsync();
