using System.Text;
using System.Text.Json.Nodes;
using Dify.Workflows.Files;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Dify.Workflows.Tests.Nodes.HttpRequest;

/// <summary>One Kestrel server and one temp file store for the http-request tests.</summary>
public sealed class HttpServerFixture : IAsyncLifetime
{
    public static readonly byte[] Png = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, .. Enumerable.Range(0, 2000).Select(i => (byte)(i % 251))];

    internal TestHttpServer Server { get; private set; } = null!;
    public string Folder { get; } = Path.Combine(Path.GetTempPath(), "dify-http-tests-" + Guid.NewGuid().ToString("N"));
    public LocalFolderFileStorage Storage { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Storage = new LocalFolderFileStorage(Folder);
        Server = await TestHttpServer.StartAsync(app =>
        {
            app.MapMethods("/echo", ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"], () => Results.Text("{\"ok\":true}", "application/json"));
            app.MapGet("/status/{code:int}", (int code) => Results.Text($"nope {code}", "text/plain", statusCode: code));
            app.MapGet("/slow", async (HttpContext c) =>
            {
                await Task.Delay(5000, c.RequestAborted);
                return Results.Text("late");
            });
            app.MapGet("/big", async (HttpContext c) =>
            {
                c.Response.ContentType = "text/plain";
                var chunk = Encoding.ASCII.GetBytes(new string('a', 64 * 1024));
                for (var i = 0; i < 24; i++) await c.Response.Body.WriteAsync(chunk, c.RequestAborted); // 1.5 MiB
            });
            app.MapGet("/image.png", () => Results.Bytes(Png, "image/png"));
            app.MapGet("/attachment", (HttpContext c) =>
            {
                c.Response.Headers.ContentDisposition = "attachment; filename=\"report.csv\"";
                return Results.Text("a,b\n1,2\n", "text/csv");
            });
            app.MapGet("/headers", (HttpContext c) =>
            {
                c.Response.Headers.Append("X-Multi", "one");
                c.Response.Headers.Append("X-Multi", "two");
                c.Response.Headers["X-Custom"] = "Value";
                return Results.Text("hi", "text/plain; charset=utf-8");
            });
            app.MapGet("/redirect", () => Results.Redirect("/echo"));
            app.MapPost("/form", async (HttpContext c) =>
            {
                var form = await c.Request.ReadFormAsync();
                var fields = new JsonObject();
                foreach (var (k, v) in form) fields[k] = v.ToString();
                var files = new JsonArray();
                foreach (var f in form.Files)
                {
                    using var reader = new StreamReader(f.OpenReadStream());
                    files.Add(new JsonObject { ["name"] = f.Name, ["filename"] = f.FileName, ["type"] = f.ContentType, ["text"] = await reader.ReadToEndAsync() });
                }
                return Results.Text(new JsonObject { ["fields"] = fields, ["files"] = files }.ToJsonString(), "application/json");
            });
        });
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        try { Directory.Delete(Folder, recursive: true); } catch (IOException) { }
    }
}
