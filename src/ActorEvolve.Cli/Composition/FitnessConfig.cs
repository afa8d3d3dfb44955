using System.Globalization;
using System.Text.Json.Nodes;
using Akka.Configuration;
using ActorEvolve.Core.Fitness;
using ActorEvolve.Core.Genes;
using ActorEvolve.Engine.Configuration;
using ActorEvolve.Training.Exec;
using ActorEvolve.Training.Tables;
using ActorEvolve.Training.Torch;

namespace ActorEvolve.Cli.Composition;

/// <summary>What scores a genome (<c>actorevolve.fitness</c>): MLP training, a recorded table, or the user's own
/// program (<c>exec:COMMAND</c>).</summary>
public static class FitnessConfig
{
    public const string TablePrefix = "table:";
    public const string ExecPrefix = "exec:";

    public static string Source(Config config) => SettingsReader.Of(config, "actorevolve").String("fitness");

    public static bool IsTable(Config config) => Source(config).StartsWith(TablePrefix, StringComparison.Ordinal);

    public static bool IsExec(Config config) => Source(config).StartsWith(ExecPrefix, StringComparison.Ordinal);

    /// <summary>Whether genomes are trained by the built-in MLP trainer (and so a budget and dataset apply).</summary>
    public static bool IsMlp(Config config) => Source(config) == "mlp";

    /// <summary>Settings a new run fixes so that <c>resume</c>, from any folder, does what the run did: an
    /// <c>exec:</c> command's relative paths mean the folder it was started in; a table's full budget, for
    /// <c>ga.rungs = auto</c>, is its longest learning curve (the engine's settings do not read tables).</summary>
    public static IEnumerable<string> PinnedForResume(Config config)
    {
        var directory = SettingsReader.Of(config, "actorevolve.exec").String("working-directory", "");
        if (IsExec(config) && directory == "")
            yield return $"actorevolve.exec.working-directory = {HoconLoader.Quote(Directory.GetCurrentDirectory())}";
        var root = SettingsReader.Of(config, "actorevolve");
        if (IsTable(config) && EngineSettings.AutoRungs(config) && root.Int("table-max-epochs", min: 0) == 0
            && Table(config, SearchSpaceParser.Parse(root.Section("search-space"))).MaxEpochs is > 0 and var epochs)
            yield return $"actorevolve.table-max-epochs = {epochs}";
    }

    /// <summary>Validates the space for the chosen fitness, then builds it (loading the dataset once for the
    /// node).</summary>
    public static async Task<IFitnessFunction> CreateAsync(Config config, SearchSpace space,
        CancellationToken cancellation)
    {
        var fitness = Source(config);
        if (IsTable(config))
        {
            var table = Table(config, space);
            RefuseUnreported(config, table.Metrics);
            return table;
        }
        if (IsExec(config)) return new ExecFitness(ExecSettingsOf(config), space);
        if (!IsMlp(config))
            throw new ConfigException($"unknown fitness '{fitness}' (use mlp, table:FILE.csv or exec:COMMAND)");
        RefuseUnreported(config, MlpFitnessFunction.Metrics);
        TrainingConfig.ValidateSpace(space);
        return await TrainingConfig.From(config).CreateFitnessAsync(cancellation);
    }

    /// <summary>The table, whose full budget is its longest learning curve: a <c>table-max-epochs</c> that says
    /// otherwise is refused.</summary>
    static TableFitness Table(Config config, SearchSpace space)
    {
        var settings = SettingsReader.Of(config, "actorevolve");
        var patience = settings.Int("table-patience", min: 0);
        var maxEpochs = settings.Int("table-max-epochs", min: 0);
        var table = new TableFitness(TablePath(Source(config)), space, settings.Duration("table-delay"),
            patience == 0 ? null : patience);
        if (maxEpochs > 0 && maxEpochs != table.MaxEpochs)
            throw new ConfigException($"actorevolve.table-max-epochs is {maxEpochs}, but " + (table.MaxEpochs > 0
                ? $"the table's longest learning curve has {table.MaxEpochs} epochs" : table.WithoutCurves));
        return table;
    }

    /// <summary>The fitness as one that trains in rungs (<c>actorevolve.ga.rungs</c>); refused in one line when it
    /// cannot: a table without learning curves, a source that does not know its full budget.</summary>
    public static IRungFitness ForRungs(IFitnessFunction fitness) => fitness switch
    {
        IRungFitness { MaxEpochs: > 0 } rungs => rungs,
        TableFitness { WithoutCurves: { } reason } => throw new ConfigException(
            $"invalid configuration: actorevolve.ga.rungs need learning curves: {reason}"),
        ExecFitness => throw new ConfigException("invalid configuration: actorevolve.ga.rungs with an exec: fitness " +
                                                 "need actorevolve.exec.max-epochs, the epochs its program trains " +
                                                 "in full"),
        _ => throw new ConfigException("invalid configuration: actorevolve.ga.rungs need a fitness that trains in " +
                                       "epochs (mlp, exec: with exec.max-epochs, or a table with learning curves)"),
    };

    /// <summary>An objective naming a metric the fitness does not report would fail every evaluation: refused before
    /// anything starts. (An <c>exec:</c> program's metrics are known only from its results.)</summary>
    static void RefuseUnreported(Config config, IReadOnlyList<string> reported)
    {
        foreach (var objective in EngineSettings.From(config).Goal.Criteria)
            if (!reported.Contains(objective.Metric))
                throw new ConfigException($"actorevolve.objective names metric '{objective.Metric}', which fitness " +
                                          $"'{Source(config)}' does not report " +
                                          $"(it reports {string.Join(", ", reported)})");
    }

    /// <summary>The <c>exec:</c> command and the <c>actorevolve.exec</c> block, from this node's own configuration.
    /// </summary>
    static ExecSettings ExecSettingsOf(Config config)
    {
        var command = Source(config)[ExecPrefix.Length..].Trim();
        if (command == "") throw new ConfigException("fitness 'exec:' needs a command, e.g. exec:python3 train.py");
        var exec = SettingsReader.Of(config, "actorevolve.exec");
        var directory = exec.String("working-directory", "");
        directory = Path.GetFullPath(directory == "" ? "." : directory);
        if (!Directory.Exists(directory))
            throw new ConfigException($"exec.working-directory {directory} does not exist");
        var args = exec.Kind("args") switch
        {
            SettingKind.Missing or SettingKind.Null => new JsonObject(),
            SettingKind.Section => (JsonObject)JsonNode.Parse(HoconJson.ToJson(config.GetValue(exec.KeyOf("args"))))!,
            _ => throw new ConfigException("exec.args must be an object, e.g. args { data = \"/data/x\" }"),
        };
        var engine = EngineSettings.From(config);
        return new ExecSettings(command, args, engine.Goal.Metric, engine.Policy.Timeout, directory,
            exec.Int("max-epochs", min: 0));
    }

    /// <summary>What decides a run's results besides its seed, GA, search space and objective (which its journal
    /// guards): the fitness source and what it is given (the exec: arguments; the MLP's budget, dataset, validation
    /// split and test scoring). A resumed run must keep them, or it would mix results of two different
    /// searches.</summary>
    public static IReadOnlyList<(string Setting, string Value)> ResultsDefinition(Config config)
    {
        var settings = new List<(string, string)> { ("actorevolve.fitness", Source(config)) };
        if (IsExec(config))
            settings.Add(("actorevolve.exec.args", config.GetValue("actorevolve.exec.args")?.ToString() ?? ""));
        if (!IsMlp(config)) return settings;
        var training = TrainingConfig.From(config);
        settings.Add(("actorevolve.training.budget", training.Budget.ToString()));
        var dataset = SettingsReader.Of(config, "actorevolve.dataset");
        foreach (var key in new[] { "name", "target", "test-data", "test-share" })
            settings.Add((dataset.KeyOf(key), dataset.String(key, "")));
        settings.Add(("actorevolve.training.split-seed", training.SplitSeed.ToString(CultureInfo.InvariantCulture)));
        settings.Add(("actorevolve.training.score-test-set", training.ScoreTestSet.ToString()));
        return settings;
    }

    /// <summary>The file of a <c>table:FILE.csv</c> fitness; an empty one is refused.</summary>
    public static string TablePath(string fitness) => fitness[TablePrefix.Length..] is var path && path.Trim() != ""
        ? path
        : throw new ConfigException($"fitness '{fitness}' names no table: use table:FILE.csv");
}
