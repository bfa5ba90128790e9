// Local host entry point; the CLI is wired in Cli/.
return await Dify.Host.Cli.CommandLine.RunAsync(args);
