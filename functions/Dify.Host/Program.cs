// Local host entry point; the CLI is wired in Cli/.
// Before anything allocates natively: fewer malloc arenas, a smaller resident footprint under load.
Dify.Host.Composition.NativeHeap.LimitArenas();
return await Dify.Host.Cli.CommandLine.RunAsync(args);
