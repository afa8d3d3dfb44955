using System.CommandLine;
using ActorEvolve.Cli.Composition;
using ActorEvolve.Cli.Console;
using ActorEvolve.Engine.Actors;
using ActorEvolve.Engine.Cluster;
using ActorEvolve.Engine.Configuration;
using ActorEvolve.Engine.Results;
using Spectre.Console;

namespace ActorEvolve.Cli.Commands;

/// <summary><c>actorevolve search</c>: evolve networks on this machine (a cluster of one node).</summary>
public static class SearchCommand
{
    static readonly Option<FileInfo> ConfigFile = new("--config") { Description = "A HOCON file overriding hocon/actorevolve.conf" };
    static readonly Option<long?> Seed = new("--seed") { Description = "Run seed: the same seed gives the same search" };
    static readonly Option<int?> Population = new("--population") { Description = "Genomes per generation (default 20)" };
    static readonly Option<int?> Generations = new("--generations") { Description = "Generations (default 10)" };
    static readonly Option<string> Budget = new("--budget") { Description = "Training budget preset: quick (default) or full" };
    static readonly Option<DirectoryInfo> Data = new("--data") { Description = "Folder with the four IDX files of the dataset" };
    static readonly Option<string> Dataset = new("--dataset") { Description = "fashion-mnist (default) or mnist" };
    static readonly Option<DirectoryInfo> StateDir = new("--state-dir") { Description = "Where runs are written (default ./runs)" };
    static readonly Option<string> RunId = new("--run-id") { Description = "Name of the run folder (default: time and seed)" };
    static readonly Option<int?> Slots = new("--slots") { Description = "Trainer slots on this node (default: one per core)" };
    static readonly Option<string> Device = new("--device") { Description = "cpu (default), cuda or auto" };
    static readonly Option<bool> Quiet = new("--quiet", "-q") { Description = "Print only the final result" };

    public static Command Create()
    {
        var command = new Command("search", "Evolve neural networks with a genetic algorithm on this machine")
        {
            ConfigFile, Seed, Population, Generations, Budget, Data, Dataset, StateDir, RunId, Slots, Device, Quiet,
        };
        command.SetAction((parse, cancellation) => RunAsync(parse, cancellation));
        return command;
    }

    /// <summary>Flags become HOCON overrides, so a flag and a config key can never disagree.</summary>
    static IEnumerable<string> Overrides(ParseResult parse)
    {
        if (parse.GetValue(Seed) is { } seed) yield return $"actorevolve.seed = {seed}";
        if (parse.GetValue(Population) is { } population) yield return $"actorevolve.ga.population = {population}";
        if (parse.GetValue(Generations) is { } generations) yield return $"actorevolve.ga.generations = {generations}";
        if (parse.GetValue(Budget) is { } budget) yield return $"actorevolve.training.budget = {HoconLoader.Quote(budget)}";
        if (parse.GetValue(Data) is { } data) yield return $"actorevolve.dataset.dir = {HoconLoader.Quote(data.FullName)}";
        if (parse.GetValue(Dataset) is { } dataset) yield return $"actorevolve.dataset.name = {HoconLoader.Quote(dataset)}";
        if (parse.GetValue(StateDir) is { } stateDir) yield return $"actorevolve.state-dir = {HoconLoader.Quote(stateDir.FullName)}";
        if (parse.GetValue(Slots) is { } slots) yield return $"actorevolve.engine.trainer-slots = {slots}";
        if (parse.GetValue(Device) is { } device) yield return $"actorevolve.training.device = {HoconLoader.Quote(device)}";
    }

    static async Task<int> RunAsync(ParseResult parse, CancellationToken cancellation)
    {
        var userConfig = HoconLoader.Load(parse.GetValue(ConfigFile)?.FullName, Overrides(parse));
        var engine = EngineSettings.From(userConfig);
        var training = TrainingConfig.From(userConfig);
        TrainingConfig.ValidateSpace(engine.Space);

        var runId = parse.GetValue(RunId) ?? $"{DateTime.UtcNow:yyyyMMdd-HHmmss}-seed{engine.Seed}";
        if (runId.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || runId is "." or "..")
            throw new UsageException($"run id '{runId}' cannot be a folder name");
        var files = new RunFiles(Path.GetFullPath(Path.Combine(engine.StateDirectory, runId)));
        if (Directory.Exists(files.Directory))
            throw new UsageException($"run '{runId}' already exists in {Path.GetDirectoryName(files.Directory)}: choose another --run-id");

        // The dataset is checked before anything is written, so a bad dataset leaves no half-made run behind.
        var fitness = await training.CreateFitnessAsync(cancellation);
        // Akka's own log lines go to the run folder, not through the live view.
        var config = HoconLoader.Load(parse.GetValue(ConfigFile)?.FullName, [.. Overrides(parse),
            $"actorevolve.log-file = {HoconLoader.Quote(files.Log)}",
            "akka.loggers = [\"ActorEvolve.Engine.Logging.FileLogger, ActorEvolve.Engine\"]", "akka.loglevel = INFO"]);
        var settings = new RunSettings(runId, engine.Seed, engine.Space, engine.Ga, engine.Policy, files.Model);
        var summaryConfig = new Dictionary<string, object>
        {
            ["ga"] = engine.Ga, ["budget"] = training.Budget, ["dataset"] = training.Dataset.Name,
            ["device"] = training.Device, ["trainer_slots"] = engine.TrainerSlots, ["split_seed"] = training.SplitSeed,
        };

        var console = AnsiConsole.Console;
        var quiet = parse.GetValue(Quiet);
        var interactive = !System.Console.IsOutputRedirected && console.Profile.Capabilities.Interactive;
        console.MarkupLine($"[bold]ActorEvolve[/] run [blue]{Markup.Escape(runId)}[/]: population {engine.Ga.Population}, " +
                           $"{engine.Ga.Generations} generations, seed {engine.Seed}, budget {training.Budget.Name}, " +
                           $"{engine.TrainerSlots} trainer slots, {engine.Space.Size?.ToString("N0") ?? "∞"} possible networks");

        var started = DateTime.UtcNow;
        await using var host = await SearchHost.StartAsync(config, fitness, TimeSpan.FromSeconds(30));
        var model = new ProgressModel(engine.Ga.Generations);
        var plain = interactive || quiet ? null : System.Console.Out;
        var progress = host.System.ActorOf(ProgressActor.Props(model, plain), "progress");
        var run = host.RunAsync(settings, engine.TrainerSlots, files, summaryConfig, [progress]);
        var interrupted = Task.Delay(Timeout.Infinite, cancellation);
        var shown = interactive && !quiet ? LiveView.ShowWhileAsync(console, model, Task.WhenAny(run, interrupted)) : run;
        await Task.WhenAny(Task.WhenAll(run, shown), interrupted);
        if (!run.IsCompletedSuccessfully)
        {
            await Task.WhenAny(shown, Task.Delay(1000)); // let the live view stop drawing before we print
            await System.Console.Error.WriteLineAsync(
                $"actorevolve: interrupted; finished evaluations are in {files.Results}");
            return 130;
        }
        FinalReport.Print(console, run.Result, files, DateTime.UtcNow - started);
        return 0;
    }
}
