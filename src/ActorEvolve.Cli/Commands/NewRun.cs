using System.CommandLine;
using ActorEvolve.Cli.Composition;
using ActorEvolve.Engine.Configuration;
using ActorEvolve.Engine.Results;
using ActorEvolve.Training.Data;

namespace ActorEvolve.Cli.Commands;

/// <summary>Starting a new run, shared by <c>search</c> and <c>brute</c>: the options that define a run and the checks
/// before it starts.</summary>
public static class NewRun
{
    static readonly Option<long?> Seed = new("--seed")
    {
        Description = "Run seed: the same seed gives the same search",
    };
    public static readonly Option<string> Budget = new("--budget")
    {
        Description = "Training budget preset: quick (default), grid or full",
    };
    public static readonly Option<string> Dataset = new("--dataset")
    {
        Description = "fashion-mnist (default), mnist, cifar10, or csv:FILE (with --target)",
    };
    public static readonly Option<string> Target = new("--target") { Description = "csv:FILE's class column" };
    public static readonly Option<FileInfo> TestData = new("--test-data")
    {
        Description = "csv:FILE's test rows, in a file of the same columns (default: a seeded 20% of FILE)",
    };
    public static readonly Option<string> Fitness = new("--fitness")
    {
        Description = "mlp (default: train), table:FILE.csv (look up) or 'exec:COMMAND' (run your own program)",
    };
    static readonly Option<string> RunId = RunIds.Option("Name of the run (default: time and seed)");

    public static void AddTo(Command command)
    {
        foreach (var option in new Option[] { Seed, Budget, Dataset, Target, TestData, Fitness, RunId })
            command.Options.Add(option);
        SharedOptions.AddTo(command);
    }

    /// <summary>Flags become HOCON overrides, so a flag and a config key can never disagree.</summary>
    static IEnumerable<string> Overrides(ParseResult parse)
    {
        if (parse.GetValue(Seed) is { } seed) yield return $"actorevolve.seed = {seed}";
        foreach (var line in FitnessOverrides(parse)) yield return line;
        foreach (var line in SharedOptions.Overrides(parse)) yield return line;
    }

    /// <summary><c>--budget</c>, <c>--fitness</c> and the dataset, which a trainer node takes too: it must score
    /// genomes as the search does.</summary>
    public static IEnumerable<string> FitnessOverrides(ParseResult parse)
    {
        if (parse.GetValue(Dataset) is { } dataset)
            yield return $"actorevolve.dataset.name = {HoconLoader.Quote(AbsoluteFile(dataset, CsvDataset.Prefix))}";
        if (parse.GetValue(Target) is { } target)
            yield return $"actorevolve.dataset.target = {HoconLoader.Quote(target)}";
        if (parse.GetValue(TestData) is { } test)
            yield return $"actorevolve.dataset.test-data = {HoconLoader.Quote(test.FullName)}";
        if (parse.GetValue(Budget) is { } budget)
            yield return $"actorevolve.training.budget = {HoconLoader.Quote(budget)}";
        if (parse.GetValue(Fitness) is { } fitness)
            yield return $"actorevolve.fitness = {HoconLoader.Quote(AbsoluteFile(fitness, FitnessConfig.TablePrefix))}";
    }

    /// <summary>A <c>table:FILE</c> or <c>csv:FILE</c> value with its file made absolute (run.conf must still find
    /// it from anywhere).</summary>
    static string AbsoluteFile(string value, string prefix) =>
        value.StartsWith(prefix, StringComparison.Ordinal) && value.Length > prefix.Length
            ? prefix + Path.GetFullPath(value[prefix.Length..]) : value;

    /// <param name="commandOverrides">The command's own flags, as HOCON overrides.</param>
    /// <param name="plan">Overrides that depend on the configured settings (brute force sizes its population by the
    /// search space); they are kept in run.conf like the flags, so <c>resume</c> continues the same run.</param>
    /// <param name="runIdPrefix">Names a default run id, before the seed.</param>
    public static async Task<int> StartAsync(ParseResult parse, IEnumerable<string> commandOverrides,
        Func<EngineSettings, IEnumerable<string>> plan, string runIdPrefix, CancellationToken cancellation)
    {
        var userFiles = SharedOptions.UserConfigFiles(parse);
        string[] overrides = [.. commandOverrides, .. Overrides(parse)];
        var pinned = FitnessConfig.PinnedForResume(HoconLoader.LoadTexts(userFiles, overrides)).ToArray();
        var engine = EngineSettings.From(HoconLoader.LoadTexts(userFiles, [.. overrides, .. pinned]));
        overrides = [.. overrides, .. plan(engine), .. pinned];
        var config = HoconLoader.LoadTexts(userFiles, overrides);
        engine = EngineSettings.From(config);

        var runId = parse.GetValue(RunId) ?? $"{DateTime.UtcNow:yyyyMMdd-HHmmss}-{runIdPrefix}seed{engine.Seed}";
        var files = new RunFiles(Path.GetFullPath(Path.Combine(engine.StateDirectory, runId)));

        // run.conf keeps what was asked for, so `resume` continues with exactly these settings.
        var runConfig = string.Join("\n", [
            "# The settings this run was started with, on top of hocon/actorevolve.conf. " +
            "`actorevolve resume` reads them.",
            string.Concat(userFiles.Select(file => file.Text)), .. overrides]);
        return await RunLauncher.RunAsync(config, engine, runConfig, files, RunLauncher.ViewOf(parse), cancellation);
    }
}
