using System.CommandLine;
using Akka.Actor;
using ActorEvolve.Cli.Composition;
using ActorEvolve.Engine.Cluster;
using ActorEvolve.Engine.Configuration;
using Spectre.Console;

namespace ActorEvolve.Cli.Commands;

/// <summary><c>actorevolve trainer --join HOST:PORT</c>: lend this machine's cores to a running search. The node
/// trains whatever genomes the coordinator's runs send it; when the coordinator goes away (it crashed, or the run
/// is being resumed) it keeps trying to join again, so it serves the resumed run without a restart.</summary>
public static class TrainerCommand
{
    static readonly Option<string> Join = new("--join")
    {
        Description = "The coordinator's HOST:PORT (printed by search)", Required = true,
    };
    static readonly Option<TimeSpan> JoinTimeout = SharedOptions.DurationOption("--join-timeout",
        "Give up when no coordinator lets this node in within this time (first join only)", TimeSpan.FromSeconds(60));

    public static Command Create()
    {
        var command = new Command("trainer", "Join a search's cluster and train for it")
        {
            Join, SharedOptions.Slots, NewRun.Budget, NewRun.Fitness, NewRun.Dataset, NewRun.Target, NewRun.TestData,
            SharedOptions.Data, JoinTimeout, SharedOptions.ConfigFile, SharedOptions.Listen,
            SharedOptions.TlsCertificate, SharedOptions.Insecure,
        };
        command.SetAction((parse, cancellation) => RunAsync(parse, cancellation));
        return command;
    }

    static IEnumerable<string> Overrides(ParseResult parse)
    {
        foreach (var line in SharedOptions.TrainingOverrides(parse)) yield return line;
        foreach (var line in NewRun.FitnessOverrides(parse)) yield return line;
        foreach (var line in SharedOptions.ClusterOverrides(parse)) yield return line;
    }

    /// <summary>Both sides of a search must agree on TLS: a mismatch looks like a coordinator that never
    /// answers.</summary>
    static async Task<int> RunAsync(ParseResult parse, CancellationToken cancellation)
    {
        var (host, port) = SharedOptions.ParseEndpoint(parse.GetValue(Join)!, "--join");
        var userFiles = SharedOptions.UserConfigFiles(parse);
        string[] overrides = [.. Overrides(parse)];
        // A table's full budget for rungs = auto comes from the table, as a new run reads it (the trainer trains the
        // epochs each trial asks for, but reads the same settings).
        overrides = [.. overrides, .. FitnessConfig.PinnedForResume(HoconLoader.LoadTexts(userFiles, overrides))];
        var config = HoconLoader.LoadTexts(userFiles, overrides);
        // Akka's log (including the expected warnings when the coordinator goes away) goes to a file, not the terminal,
        // and not into the working directory either: one per process in the temp folder.
        var log = Path.Combine(Path.GetTempPath(), "actorevolve", $"trainer-{Environment.ProcessId}.log");
        config = Engine.Logging.FileLogger.LogTo(log, config);
        var engine = EngineSettings.From(config);
        // The dataset first: a node that cannot train refuses to join.
        var fitness = await FitnessConfig.CreateAsync(config, engine.Space, cancellation);
        var coordinator = TrainerNodeHost.CoordinatorAddress(config, host, port);
        using var stop = new StopSignal(cancellation);
        var console = AnsiConsole.Console;
        console.WriteLine($"Joining the search at {host}:{port} (log: {log})");
        await TrainerNodeHost.ServeAsync(config, fitness, engine.TrainerSlots, coordinator, parse.GetValue(JoinTimeout),
            self =>
            {
                console.WriteLine($"Trainer node {self.Host}:{self.Port} joined the search at {host}:{port} " +
                                  $"with {engine.TrainerSlots} slots");
                if (RunLauncher.InsecureWarning(config, self) is { } warning)
                    console.MarkupLineInterpolated($"[bold red]{warning}[/]");
            },
            () => console.WriteLine($"Lost the search at {host}:{port}; joining again when it is back"), stop.Token);
        console.WriteLine("Trainer node stopped");
        return 0;
    }
}
