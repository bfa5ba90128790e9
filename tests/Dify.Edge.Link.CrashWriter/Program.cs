using System.Globalization;
using System.Text;
using Dify.Edge.Link.Queue;

// usage: Dify.Edge.Link.CrashWriter <database> <producers>
// Enqueues until killed; prints "ack <event id>" only after EnqueueAsync returned (the event is durable).
if (args.Length < 2)
{
    Console.Error.WriteLine("usage: Dify.Edge.Link.CrashWriter <database> <producers>");
    return 2;
}
var producers = int.Parse(args[1], CultureInfo.InvariantCulture);
var queue = await OfflineQueue.OpenAsync(new OfflineQueueOptions { DatabasePath = args[0] });
var stdout = Console.Out; // synchronized: one whole line per WriteLine
stdout.WriteLine("ready");
var payload = Encoding.UTF8.GetBytes(new string('x', 256));
await Task.WhenAll(Enumerable.Range(0, producers).Select(p => Task.Run(async () =>
{
    var source = $"producer-{p}";
    var properties = new Dictionary<string, string> { ["producer"] = source };
    while (true)
    {
        var e = EdgeEvent.Create(source, payload, properties);
        await queue.EnqueueAsync(e);
        stdout.WriteLine("ack " + e.EventId.ToString("D"));
    }
})));
return 0;
