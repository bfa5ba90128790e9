namespace Dify.Host.Cli;

/// <summary>Minimal "command positional --flag value --switch" parsing; unknown flags are errors naming the flag.</summary>
public sealed class CliArguments
{
    private readonly Dictionary<string, string?> _options = new(StringComparer.Ordinal);

    public List<string> Positionals { get; } = [];

    public static CliArguments Parse(IEnumerable<string> args, IReadOnlySet<string> switches, IReadOnlySet<string> valued)
    {
        var result = new CliArguments();
        var list = args.ToList();
        for (var i = 0; i < list.Count; i++)
        {
            var a = list[i];
            if (!a.StartsWith("--", StringComparison.Ordinal)) { result.Positionals.Add(a); continue; }
            var eq = a.IndexOf('=');
            var name = eq > 0 ? a[2..eq] : a[2..];
            if (switches.Contains(name)) { result._options[name] = "true"; continue; }
            if (!valued.Contains(name)) throw new CliUsageException($"unknown option --{name}");
            string? value = eq > 0 ? a[(eq + 1)..] : i + 1 < list.Count ? list[++i] : throw new CliUsageException($"option --{name} needs a value");
            result._options[name] = value;
        }
        return result;
    }

    public string? Get(string name) => _options.GetValueOrDefault(name);
    public bool Has(string name) => _options.ContainsKey(name);
}

public sealed class CliUsageException(string message) : Exception(message);
