using Akka.Configuration;
using ActorEvolve.Cli.Commands;
using ActorEvolve.Cli.Console;
using ActorEvolve.Cli.Dashboard;
using ActorEvolve.Engine.Actors;
using ActorEvolve.Engine.Cluster;
using ActorEvolve.Engine.Configuration;
using ActorEvolve.Engine.Logging;
using ActorEvolve.Engine.Results;
using Spectre.Console;

namespace ActorEvolve.Cli.Composition;

/// <summary>How a run is shown: <paramref name="Quiet"/> prints only the result; <paramref name="Dashboard"/> serves the
/// live page on HOST:PORT.</summary>
public sealed record RunView(bool Quiet, string? Dashboard);

/// <summary>Starts or resumes one run on this node and shows it: shared by <c>search</c> and <c>resume</c>.</summary>
public static class RunLauncher
{
    public static RunView ViewOf(System.CommandLine.ParseResult parse) =>
        new(parse.GetValue(SharedOptions.Quiet), parse.GetValue(SharedOptions.Dashboard));

    /// <param name="config">The effective configuration, and <paramref name="engine"/> read from it.</param>
    /// <param name="runConfigText">What the user asked for on top of the defaults, kept as run.conf (new runs).</param>
    public static async Task<int> RunAsync(Config config, EngineSettings engine, string runConfigText, RunFiles files,
        bool resume, RunView view, CancellationToken cancellation)
    {
        var runId = Path.GetFileName(files.Directory);
        // Everything is checked before anything is written, so bad input leaves no half-made run behind.
        var fitness = await FitnessConfig.CreateAsync(config, engine.Space, cancellation);
        engine.Journal.Preflight(mustExist: resume);
        RemotingEndpoint.Preflight(config);
        if (view.Dashboard is { } dashboard)
        {
            var (host, port) = SharedOptions.ParseEndpoint(dashboard, "--dashboard");
            RemotingEndpoint.Preflight(host, port, "the dashboard");
        }
        Directory.CreateDirectory(files.Directory);
        if (!resume) await File.WriteAllTextAsync(files.Config, runConfigText, cancellation);
        await File.WriteAllTextAsync(files.Pid, Environment.ProcessId.ToString(), cancellation);
        try
        {
            return await RunHostAsync(config, engine, fitness, files, runId, resume, view, cancellation);
        }
        finally
        {
            File.Delete(files.Pid);
        }
    }

    static async Task<int> RunHostAsync(Config config, EngineSettings engine, Core.Fitness.IFitnessFunction fitness,
        RunFiles files, string runId, bool resume, RunView view, CancellationToken cancellation)
    {
        var settings = new RunSettings(runId, engine.Seed, engine.Space, engine.Ga, engine.Policy, files.Model,
            File.ReadAllText(files.Config), engine.Goal);
        var summaryConfig = new Dictionary<string, object>
        {
            ["ga"] = engine.Ga, ["fitness"] = config.GetString("actorevolve.fitness"), ["local_trainer_slots"] = engine.LocalSlots,
            ["journal"] = engine.Journal.Description, ["objective"] = engine.Goal,
        };
        if (FitnessConfig.IsMlp(config))
        {
            var training = TrainingConfig.From(config);
            summaryConfig["budget"] = training.Budget;
            summaryConfig["dataset"] = training.Dataset.Name;
            summaryConfig["device"] = training.Device;
            summaryConfig["split_seed"] = training.SplitSeed;
            if (fitness is Training.Torch.MlpFitnessFunction mlp)
                (summaryConfig["features"], summaryConfig["classes"]) = (mlp.Shape.Features, mlp.Shape.Classes);
        }

        var console = AnsiConsole.Console;
        var interactive = !System.Console.IsOutputRedirected && console.Profile.Capabilities.Interactive;
        var started = DateTime.UtcNow;
        // First Ctrl-C (or SIGTERM): stop gracefully; everything finished is already journaled. A second Ctrl-C
        // is not intercepted and ends the process at once (which loses nothing either).
        using var stop = new StopSignal(cancellation);
        // Akka's own log lines go to the run folder, not through the live view.
        var hostConfig = FileLogger.LogTo(files.Log, ConfigurationFactory.ParseString($"""
            akka.cluster.roles = [population{(engine.LocalSlots > 0 ? ", trainer" : "")}]
            """).WithFallback(config));
        await using var host = await StartHostAsync(hostConfig, engine, fitness);
        var address = Akka.Cluster.Cluster.Get(host.System).SelfAddress;
        console.MarkupLine($"[bold]ActorEvolve[/] {(resume ? "resuming" : "run")} [blue]{Markup.Escape(runId)}[/]: " +
                           $"population {engine.Ga.Population}, {engine.Ga.Generations} generations, seed {engine.Seed}, " +
                           $"{engine.LocalSlots} local trainer slots, {engine.Space.Size?.ToString("N0") ?? "∞"} possible networks, " +
                           $"journal {Markup.Escape(engine.Journal.Description)}");
        console.MarkupLine($"Trainer nodes can join with: [bold]actorevolve trainer --join {address.Host}:{address.Port}[/]");
        var model = new ProgressModel(engine.Ga.Generations, new ObjectiveText(engine.Goal));
        await using var dashboard = view.Dashboard is { } listen ? await DashboardServer.StartAsync(listen, model, runId) : null;
        if (dashboard is not null) console.MarkupLine($"Dashboard: [link]{Markup.Escape(dashboard.Url)}[/]");
        var quiet = view.Quiet;
        var plain = interactive || quiet ? null : System.Console.Out;
        var progress = host.System.ActorOf(ProgressActor.Props(model, plain), "progress");
        var run = host.RunAsync(settings, resume, engine.LocalSlots, files, summaryConfig, [progress]);
        var interrupted = Task.WhenAny(Task.Delay(Timeout.Infinite, stop.Token), host.System.WhenTerminated);
        var shown = interactive && !quiet ? LiveView.ShowWhileAsync(console, model, Task.WhenAny(run, interrupted)) : run;
        await Task.WhenAny(Task.WhenAll(run, shown), interrupted);
        if (!run.IsCompleted)
        {
            await host.DisposeAsync(); // stop evaluating now: nothing may finish after we report "interrupted"
            if (shown != run) await shown; // the live view has stopped drawing
            if (!run.IsCompletedSuccessfully)
            {
                await System.Console.Error.WriteLineAsync(
                    $"actorevolve: interrupted; everything finished is journaled. Continue with: actorevolve resume {runId}");
                return 130;
            }
        }
        if (run.Exception?.InnerException is RunAbortedException aborted)
            throw aborted.BadInput ? new UsageException(aborted.Message) : aborted;
        var report = Report.ReportWriter.Write(files, markdown: false);
        FinalReport.Print(console, await run, files, DateTime.UtcNow - started, model.Objective);
        console.MarkupLine($"Report: [link]{Markup.Escape(report)}[/]");
        return 0;
    }

    /// <summary>A port that is taken or an address this machine does not have is bad input, not a crash.</summary>
    static async Task<SearchHost> StartHostAsync(Config config, EngineSettings engine, Core.Fitness.IFitnessFunction fitness)
    {
        try
        {
            return await SearchHost.StartAsync(config, engine.Journal, fitness, TimeSpan.FromSeconds(30));
        }
        catch (Exception e) when (e is not UsageException && RemotingEndpoint.IsBindFailure(e))
        {
            throw new UsageException($"cannot listen on {RemotingEndpoint.Describe(config)}: {RemotingEndpoint.Reason(e)}");
        }
    }
}
