using System.Text.Json;
using Akka.Configuration;
using ActorEvolve.Cli.Commands;
using ActorEvolve.Cli.Console;
using ActorEvolve.Cli.Dashboard;
using ActorEvolve.Core.Evolution;
using ActorEvolve.Core.Fitness;
using ActorEvolve.Engine.Cluster;
using ActorEvolve.Engine.Configuration;
using ActorEvolve.Engine.Formats;
using ActorEvolve.Engine.Persistence;
using ActorEvolve.Engine.Results;
using Spectre.Console;

namespace ActorEvolve.Cli.Composition;

/// <summary>How a run is shown: <paramref name="Quiet"/> prints only the result; <paramref name="Dashboard"/> serves
/// the live page on HOST:PORT.</summary>
public sealed record RunView(bool Quiet, string? Dashboard);

/// <summary>Starts or resumes one run on this node and shows it: shared by <c>search</c> and <c>resume</c>.</summary>
public static class RunLauncher
{
    public static RunView ViewOf(System.CommandLine.ParseResult parse) =>
        new(parse.GetValue(SharedOptions.Quiet), parse.GetValue(SharedOptions.Dashboard));

    /// <param name="config">The effective configuration, and <paramref name="engine"/> read from it.</param>
    /// <param name="runConfigText">A new run: what the user asked for on top of the defaults, kept as run.conf.
    /// Null: resume the run in <paramref name="files"/>.</param>
    /// <param name="searchFromJournal">A resume: the GA settings and objective are the ones the journal recorded at
    /// the run's start (the command asked for nothing else).</param>
    public static async Task<int> RunAsync(Config config, EngineSettings engine, string? runConfigText, RunFiles files,
        RunView view, CancellationToken cancellation, bool searchFromJournal = false)
    {
        var resume = runConfigText is null;
        // Everything is checked before anything is written, so bad input leaves no half-made run behind.
        var fitness = await PreflightAsync(config, view, cancellation);
        var stateDirectory = Path.GetDirectoryName(files.Directory)!;
        var stateDirectoryExisted = Directory.Exists(stateDirectory);
        var folderExisted = Directory.Exists(files.Directory);
        var journalCreated = engine.Journal.Preflight(mustExist: resume);
        using var folder = RunFolder.Claim(files); // the loser of two starts stops here, having changed nothing
        var (hostStarted, exit) = (false, -1);
        try
        {
            JournaledRun journaled;
            await using (var reader = JournalReader.Open(config, engine.Journal))
                journaled = await folder.ReadAsync(reader);
            var runId = folder.RunId;
            if (searchFromJournal && journaled.Started is { } recorded)
                engine = engine with { Ga = recorded.Ga, Objective = recorded.Goal };
            CheckRungs(engine.Ga.Rungs, fitness);
            switch (RunFolder.StatusOf(journaled))
            {
                case RunStatus.Completed when resume:
                    throw new UsageException($"run '{runId}' has already finished");
                case RunStatus.Completed:
                    throw new UsageException(
                        $"run '{runId}' already exists in {stateDirectory}: choose another --run-id");
                case RunStatus.Interrupted when !resume:
                    throw new UsageException(
                        $"run '{runId}' exists and is unfinished: continue it with 'actorevolve resume {runId}'");
                case RunStatus.NotStarted when !folder.HoldsOnlyStartLeftovers():
                    throw new UsageException($"run '{runId}' has files in {files.Directory} but its journal " +
                                             $"({engine.Journal.Description}) does not hold it: " +
                                             "use the journal it was started with" +
                                             (resume ? "" : ", or choose another --run-id"));
                case RunStatus.NotStarted:
                    folder.ClearLeftovers(keepConfig: resume);
                    if (resume)
                    {
                        const string why = "was stopped before its journal recorded it: starting it from its run.conf";
                        AnsiConsole.MarkupLineInterpolated($"Run [blue]{runId}[/] {why}");
                    }
                    break;
            }
            if (runConfigText is not null) await files.WriteConfigAsync(runConfigText, cancellation);
            hostStarted = true;
            exit = await RunHostAsync(config, engine, fitness, files, runId, journaled.IsRecorded, view, cancellation);
            return exit;
        }
        finally
        {
            if (exit != 0) await RemoveUnrecordedStartAsync(config, engine, folder, hostStarted, resume, folderExisted);
            if (exit != 0 && journalCreated) engine.Journal.DeleteIfEmpty();
            if (!stateDirectoryExisted && Directory.Exists(stateDirectory)
                && !Directory.EnumerateFileSystemEntries(stateDirectory).Any())
                Directory.Delete(stateDirectory);
        }
    }

    /// <summary>Checks what can be checked without writing anything; returns the fitness the node will use.</summary>
    static async Task<Core.Fitness.IFitnessFunction> PreflightAsync(Config config, RunView view,
        CancellationToken cancellation)
    {
        var fitness = await FitnessConfig.CreateAsync(config, EngineSettings.From(config).Space, cancellation);
        ClusterSecurity.Preflight(config);
        RemotingEndpoint.Preflight(config);
        if (view.Dashboard is { } dashboard)
        {
            var (host, port) = SharedOptions.ParseEndpoint(dashboard, "--dashboard");
            if (port != 0 && port == RemotingEndpoint.Endpoint(config).Port)
                throw new UsageException(
                    $"--dashboard {dashboard} uses the cluster's --listen port {port}: choose another port");
            RemotingEndpoint.Preflight(host, port, "the dashboard");
        }
        return fitness;
    }

    /// <summary>Rungs need a fitness that can stop part-way and go on (<see cref="IRungFitness"/>), whose full budget
    /// is the last rung.</summary>
    static void CheckRungs(RungSettings? rungs, IFitnessFunction fitness)
    {
        if (rungs is null) return;
        var rungFitness = FitnessConfig.ForRungs(fitness);
        if (rungs.Epochs[^1] != rungFitness.MaxEpochs)
            throw new ConfigException($"invalid configuration: actorevolve.ga.rungs end at {rungs.Epochs[^1]} " +
                                      $"epochs, but the fitness trains {rungFitness.MaxEpochs}: the last rung is " +
                                      "full training");
    }

    /// <summary>A start that failed or was stopped before the journal recorded the run leaves nothing behind: a new
    /// run's folder goes, a never-started run being resumed keeps only its run.conf. Anything the journal recorded
    /// stays, and when the journal cannot tell, everything stays.</summary>
    static async Task RemoveUnrecordedStartAsync(Config config, EngineSettings engine, RunFolder folder,
        bool hostStarted, bool resume, bool folderExisted)
    {
        try
        {
            if (hostStarted)
            {
                await using var reader = JournalReader.Open(config, engine.Journal);
                if ((await reader.ReadAsync(folder.RunId)).IsRecorded) return;
            }
            else if (resume || folderExisted) return; // refused before it wrote anything
            if (resume) folder.ClearLeftovers(keepConfig: true);
            else folder.Remove();
        }
        catch (Exception e) when (e is JournalReadException or IOException or ConfigException)
        {
            // the journal cannot tell whether the run was recorded: keep everything
        }
    }

    /// <summary>The settings summary.json reports; the data's shape when this node has loaded it (<paramref
    /// name="fitness"/>).</summary>
    public static SummarySettings SummaryConfig(Config config, EngineSettings engine,
        Core.Fitness.IFitnessFunction? fitness = null)
    {
        var summary = Engine.RunPlan.EngineSummary(config, engine);
        if (!FitnessConfig.IsMlp(config)) return summary;
        var training = TrainingConfig.From(config);
        var mlp = fitness as Training.Torch.MlpFitnessFunction;
        return summary with
        {
            Features = mlp?.Shape.Features, Classes = mlp?.Shape.Classes,
            FitnessSettings = new()
            {
                ["budget"] = JsonSerializer.SerializeToElement(training.Budget, JsonFormat.Compact),
                ["dataset"] = JsonSerializer.SerializeToElement(training.Dataset.Name),
                ["device"] = JsonSerializer.SerializeToElement(training.Device),
                ["split_seed"] = JsonSerializer.SerializeToElement(training.SplitSeed),
            },
        };
    }

    static async Task<int> RunHostAsync(Config config, EngineSettings engine, Core.Fitness.IFitnessFunction fitness,
        RunFiles files, string runId, bool resume, RunView view, CancellationToken cancellation)
    {
        var started = DateTime.UtcNow;
        // First Ctrl-C (or SIGTERM): stop gracefully; everything finished is already journaled. A second Ctrl-C
        // is not intercepted and ends the process at once (which loses nothing either).
        using var stop = new StopSignal(cancellation);
        await using var host = await SearchHost.StartForRunAsync(config, engine, files, fitness);
        var console = AnsiConsole.Console;
        var model = Announce(console, config, engine, runId, resume, Akka.Cluster.Cluster.Get(host.System).SelfAddress);
        await using var dashboard = view.Dashboard is { } listen
            ? await DashboardServer.StartAsync(listen, model, runId)
            : null;
        if (dashboard is not null) console.MarkupLineInterpolated($"Dashboard: [link]{dashboard.Url}[/]");
        var interactive = !System.Console.IsOutputRedirected && console.Profile.Capabilities.Interactive;
        var plain = interactive || view.Quiet ? null : System.Console.Out;
        var progress = host.System.ActorOf(ProgressActor.Props(model, plain), "progress");
        var run = host.RunAsync(files.Settings(engine), resume, engine.LocalSlots, files,
            SummaryConfig(config, engine, fitness), [progress]);
        var interrupted = Task.WhenAny(Task.Delay(Timeout.Infinite, stop.Token), host.System.WhenTerminated);
        var shown = interactive && !view.Quiet
            ? LiveView.ShowWhileAsync(console, model, Task.WhenAny(run, interrupted))
            : run;
        await Task.WhenAny(Task.WhenAll(run, shown), interrupted);
        if (!run.IsCompleted)
        {
            await host.DisposeAsync(); // stop evaluating now: nothing may finish after we report "interrupted"
            if (shown != run) await shown; // the live view has stopped drawing
            if (!run.IsCompletedSuccessfully) return await Interrupted(runId);
        }
        if (run.Exception?.InnerException is RunAbortedException aborted)
            // Like Ctrl-C: one line, and the journal keeps everything finished (a full disk, a journal gone away).
            throw new UsageException(aborted.BadInput ? aborted.Message
                : $"stopped: {aborted.Message}. Continue with: actorevolve resume {runId}");
        var report = Report.ReportWriter.Write(files, markdown: false);
        FinalReport.Print(console, await run, files, DateTime.UtcNow - started, model.Objective);
        console.MarkupLineInterpolated($"Report: [link]{report}[/]");
        return 0;
    }

    /// <summary>Says what runs, where trainer nodes join it and whether it is open to anyone; returns the progress
    /// model the live view, the plain lines and the dashboard show.</summary>
    static ProgressModel Announce(IAnsiConsole console, Config config, EngineSettings engine, string runId,
        bool resume, Akka.Actor.Address address)
    {
        var steady = engine.Ga.Mode == Core.Evolution.GaMode.SteadyState;
        // A steady-state run's length is its births; its generations setting only counts them when evaluations = 0.
        var length = steady ? $"{engine.Ga.Births()} births ({engine.Ga.Rounds()} rounds)"
            : $"{engine.Ga.Generations} generations";
        var setup = $"population {engine.Ga.Population}, {length}, seed {engine.Seed}, " +
                    $"{engine.LocalSlots} local trainer slots, " +
                    $"{engine.Space.Size?.ToString("N0") ?? "∞"} possible networks, " +
                    $"journal {engine.Journal.Description}";
        var verb = resume ? "resuming" : "run";
        console.MarkupLineInterpolated($"[bold]ActorEvolve[/] {verb} [blue]{runId}[/]: {setup}");
        var join = $"actorevolve trainer --join {address.Host}:{address.Port}";
        console.MarkupLineInterpolated($"Trainer nodes can join with: [bold]{join}[/]");
        var warning = InsecureWarning(config, address);
        if (warning is not null) console.MarkupLineInterpolated($"[bold red]{warning}[/]");
        var steps = steady ? engine.Ga.Rounds() : engine.Ga.Generations;
        return new ProgressModel(steps, new ObjectiveText(engine.Goal))
        {
            Warning = warning, Rungs = engine.Ga.Rungs, Births = steady ? engine.Ga.Births() : null,
        };
    }

    static async Task<int> Interrupted(string runId)
    {
        await System.Console.Error.WriteLineAsync("actorevolve: interrupted; everything finished is journaled. " +
                                                  $"Continue with: actorevolve resume {runId}");
        return 130;
    }

    /// <summary>What a node says for as long as it runs with <c>--insecure</c> on an address others can
    /// reach.</summary>
    public static string? InsecureWarning(Config config, Akka.Actor.Address node) => ClusterSecurity.IsInsecure(config)
        ? $"INSECURE (--insecure): cluster port {node.Port} on " +
          $"{RemotingEndpoint.Endpoint(config).Host} takes any node that connects, without TLS"
        : null;
}
