using System.CommandLine;
using ActorEvolve.Cli.Composition;
using ActorEvolve.Engine.Configuration;
using ActorEvolve.Engine.Results;

namespace ActorEvolve.Cli.Commands;

/// <summary><c>actorevolve search</c>: evolve networks on this machine (a cluster of one node).</summary>
public static class SearchCommand
{
    static readonly Option<long?> Seed = new("--seed") { Description = "Run seed: the same seed gives the same search" };
    static readonly Option<int?> Population = new("--population") { Description = "Genomes per generation (default 20)" };
    static readonly Option<int?> Generations = new("--generations") { Description = "Generations (default 10)" };
    static readonly Option<string> Budget = new("--budget") { Description = "Training budget preset: quick (default) or full" };
    static readonly Option<string> Dataset = new("--dataset") { Description = "fashion-mnist (default) or mnist" };
    static readonly Option<string> Fitness = new("--fitness") { Description = "mlp (default: train) or table:FILE.csv (look up)" };
    static readonly Option<string> RunId = new("--run-id") { Description = "Name of the run (default: time and seed)" };

    public static Command Create()
    {
        var command = new Command("search", "Evolve neural networks with a genetic algorithm on this machine")
        {
            Seed, Population, Generations, Budget, Dataset, Fitness, RunId,
        };
        SharedOptions.AddTo(command);
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
        if (parse.GetValue(Dataset) is { } dataset) yield return $"actorevolve.dataset.name = {HoconLoader.Quote(dataset)}";
        if (parse.GetValue(Fitness) is { } fitness)
        {
            var value = fitness.StartsWith(FitnessConfig.TablePrefix, StringComparison.Ordinal)
                ? FitnessConfig.TablePrefix + Path.GetFullPath(fitness[FitnessConfig.TablePrefix.Length..]) : fitness;
            yield return $"actorevolve.fitness = {HoconLoader.Quote(value)}";
        }
        foreach (var line in SharedOptions.Overrides(parse)) yield return line;
    }

    static async Task<int> RunAsync(ParseResult parse, CancellationToken cancellation)
    {
        var userFile = parse.GetValue(SharedOptions.ConfigFile)?.FullName;
        var overrides = Overrides(parse).ToArray();
        var config = HoconLoader.Load(userFile, overrides);
        var engine = EngineSettings.From(config);

        var runId = parse.GetValue(RunId) ?? $"{DateTime.UtcNow:yyyyMMdd-HHmmss}-seed{engine.Seed}";
        if (runId.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || runId is "." or "..")
            throw new UsageException($"run id '{runId}' cannot be a folder name");
        var files = new RunFiles(Path.GetFullPath(Path.Combine(engine.StateDirectory, runId)));
        if (Directory.Exists(files.Directory))
            throw new UsageException(files.IsFinished()
                ? $"run '{runId}' already exists in {Path.GetDirectoryName(files.Directory)}: choose another --run-id"
                : $"run '{runId}' exists and is unfinished: continue it with 'actorevolve resume {runId}'");

        // run.conf keeps what was asked for, so `resume` continues with exactly these settings.
        var runConfig = string.Join("\n", [
            "# The settings this run was started with, on top of hocon/actorevolve.conf. `actorevolve resume` reads them.",
            userFile is null ? "" : File.ReadAllText(userFile), .. overrides]);
        return await RunLauncher.RunAsync(config, engine, runConfig, files, resume: false, parse.GetValue(SharedOptions.Quiet), cancellation);
    }
}
