using System.CommandLine;
using System.Runtime.CompilerServices;
using ActorEvolve.Engine.Cluster;
using ActorEvolve.Engine.Configuration;

namespace ActorEvolve.Cli.Commands;

/// <summary>Options every run command takes: where things are, how much of this machine to use, what to show.</summary>
public static class SharedOptions
{
    public static readonly Option<FileInfo> ConfigFile = new("--config")
    {
        Description = "A HOCON file overriding hocon/actorevolve.conf",
    };
    public static readonly Option<DirectoryInfo> Data = new("--data")
    {
        Description = "Folder with the four IDX files of the dataset",
    };
    public static readonly Option<DirectoryInfo> StateDir = new("--state-dir")
    {
        Description = "Where runs are written (default ./runs)",
    };
    static readonly Option<string> Journal = new("--journal")
    {
        Description = "sqlite:FILE or postgres://user:password@host:port/db (default: SQLite in the state dir)",
    };
    public static readonly Option<int?> Slots = new("--slots")
    {
        Description = "Trainer slots on this node (default: one per core)",
    };
    static readonly Option<string> Device = new("--device") { Description = "cpu (default), cuda or auto" };
    public static readonly Option<bool> Quiet = new("--quiet", "-q") { Description = "Print only the final result" };
    public static readonly Option<string> Listen = new("--listen")
    {
        Description = "HOST:PORT this node listens on for cluster members (default 127.0.0.1, any free port)",
    };
    public static readonly Option<string> Dashboard = new("--dashboard")
    {
        Description = "Serve a live dashboard on HOST:PORT (e.g. 127.0.0.1:8080; off by default)",
    };
    public static readonly Option<FileInfo> TlsCertificate = new("--tls-cert")
    {
        Description = "PKCS#12 certificate every node of the search shares (password in ACTOREVOLVE_TLS_PASSWORD): " +
            "TLS between nodes",
    };
    public static readonly Option<bool> Insecure = new("--insecure")
    {
        Description = "Allow --listen beyond loopback without --tls-cert (anyone who reaches the port can join)",
    };
    static readonly Option<int?> LocalTrainers = new("--local-trainers")
    {
        Description = "Trainer slots on the coordinator itself; 0: only trainer nodes that join train",
    };

    /// <summary>A positive duration flag, in the one duration syntax of flags and HOCON alike: 30s, 10m, 2h.</summary>
    public static Option<TimeSpan> DurationOption(string name, string description, TimeSpan defaultValue) => new(name)
    {
        Description = $"{description} (e.g. 30s, 10m, 2h; default {Durations.Format(defaultValue)})",
        DefaultValueFactory = _ => defaultValue,
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
            var value = Durations.TryParse(text);
            if (value > TimeSpan.Zero) return value.Value;
            result.AddError(value is null ? $"{name} must be {Durations.Expected}, got '{text}'"
                : $"{name} must be more than 0s");
            return defaultValue;
        },
    };

    public static void AddTo(Command command)
    {
        foreach (var option in new Option[]
                 {
                     ConfigFile, Data, StateDir, Journal, Slots, Device, Quiet, Listen, LocalTrainers, TlsCertificate,
                     Insecure, Dashboard,
                 })
            command.Options.Add(option);
    }

    static readonly ConditionalWeakTable<ParseResult, StrongBox<HoconFile?>> UserConfigs = new();

    /// <summary>The <c>--config</c> file, if given, read once per command line: a pipe (<c>&lt;(...)</c>) is empty
    /// when read again.</summary>
    public static HoconFile? UserConfig(ParseResult parse) => UserConfigs.GetValue(parse, _ =>
        new StrongBox<HoconFile?>(parse.GetValue(ConfigFile) is { } file ? HoconFile.Read(file.FullName) : null)).Value;

    /// <summary>The state directory for commands that read runs: <c>--state-dir</c>, else the <c>--config</c> file's
    /// <c>actorevolve.state-dir</c>, else the default.</summary>
    public static string StateDirectory(ParseResult parse) => parse.GetValue(StateDir)?.FullName
        ?? EngineSettings.ReadStateDirectory(HoconLoader.LoadTexts(UserConfigFiles(parse), null));

    /// <summary>The <c>--config</c> file as the list of files <see cref="HoconLoader.LoadTexts"/> takes.</summary>
    public static HoconFile[] UserConfigFiles(ParseResult parse) => UserConfig(parse) is { } file ? [file] : [];

    /// <summary>HOCON for <c>--listen HOST:PORT</c> (or HOST alone) and <c>--tls-cert FILE</c>.</summary>
    public static IEnumerable<string> ClusterOverrides(ParseResult parse)
    {
        if (parse.GetValue(TlsCertificate) is { } certificate)
            yield return $"actorevolve.tls.certificate = {HoconLoader.Quote(certificate.FullName)}";
        if (parse.GetValue(Insecure)) yield return "actorevolve.tls.insecure = on";
        if (parse.GetValue(Listen) is not { } listen) yield break;
        var (host, port) = ParseEndpoint(listen, "--listen", defaultPort: 0);
        yield return $"akka.remote.dot-netty.tcp.hostname = {HoconLoader.Quote(host)}";
        yield return $"akka.remote.dot-netty.tcp.port = {port}";
        // Every interface: other nodes must be told (and address their messages to) one they can reach.
        if (host is "0.0.0.0" or "::")
            yield return "akka.remote.dot-netty.tcp.public-hostname = " +
                         HoconLoader.Quote(ClusterSecurity.ReachableAddress());
    }

    public static (string Host, int Port) ParseEndpoint(string value, string option, int? defaultPort = null)
    {
        var colon = value.LastIndexOf(':');
        var host = colon < 0 ? value : value[..colon];
        int? port = colon < 0 ? defaultPort
            : int.TryParse(value[(colon + 1)..], out var p) && p is >= 0 and <= 65535 ? p : -1;
        if (host == "" || port is null or -1) throw new UsageException($"{option} '{value}' is not HOST:PORT");
        return (host, port.Value);
    }

    /// <summary>What any node that trains takes: where the data is and how many slots it trains in.</summary>
    public static IEnumerable<string> TrainingOverrides(ParseResult parse)
    {
        if (parse.GetValue(Data) is { } data)
            yield return $"actorevolve.dataset.dir = {HoconLoader.Quote(data.FullName)}";
        if (parse.GetValue(Slots) is { } slots) yield return $"actorevolve.engine.trainer-slots = {slots}";
    }

    public static IEnumerable<string> Overrides(ParseResult parse)
    {
        foreach (var line in TrainingOverrides(parse)) yield return line;
        if (parse.GetValue(StateDir) is { } stateDir)
            yield return $"actorevolve.state-dir = {HoconLoader.Quote(stateDir.FullName)}";
        if (parse.GetValue(Journal) is { } journal)
            yield return $"actorevolve.journal = {HoconLoader.Quote(journal)}";
        if (parse.GetValue(Device) is { } device)
            yield return $"actorevolve.training.device = {HoconLoader.Quote(device)}";
        foreach (var line in ClusterOverrides(parse)) yield return line;
        if (parse.GetValue(LocalTrainers) is { } local)
        {
            if (local < 0) throw new UsageException($"--local-trainers must be 0 or more (got {local})");
            yield return local == 0 ? "actorevolve.engine.local-trainers = off"
                : $"actorevolve.engine.trainer-slots = {local}";
        }
    }
}
