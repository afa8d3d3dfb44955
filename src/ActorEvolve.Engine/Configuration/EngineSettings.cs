using Akka.Configuration;
using ActorEvolve.Core.Evolution;

namespace ActorEvolve.Engine.Configuration;

/// <summary>The engine's part of the configuration, validated: GA, search space, evaluation policy, slots.</summary>
/// <param name="TrainerSlots">Trainer slots of this node (the coordinator's own, or a trainer node's).</param>
/// <param name="LocalTrainers">Whether the coordinator trains too, or leaves it to trainer nodes that join.</param>
public sealed record EngineSettings(long Seed, string StateDirectory, GaSettings Ga, Core.Genes.SearchSpace Space,
    EvaluationPolicy Policy, int TrainerSlots, Persistence.JournalSettings Journal, bool LocalTrainers = true,
    Core.Fitness.Objective? Objective = null)
{
    /// <summary>What selection optimises (<c>actorevolve.objective</c>).</summary>
    public Core.Fitness.Objective Goal => Objective ?? Core.Fitness.Objective.Default;

    /// <summary>What the engine needs to run <paramref name="runId"/>, whose run.conf is
    /// <paramref name="runConfig"/>.</summary>
    public RunSettings For(string runId, string? modelPath, string runConfig) =>
        new(runId, Seed, Space, Ga, Policy, modelPath, runConfig, Goal);

    /// <summary>Trainer slots one node may have: each is a thread of its own; thousands exhaust the runtime.</summary>
    public const int MaxTrainerSlots = 256;

    /// <summary>The coordinator's own trainer slots: 0 when only joining trainer nodes train.</summary>
    public int LocalSlots => LocalTrainers ? TrainerSlots : 0;

    public static EngineSettings From(Config config)
    {
        var root = SettingsReader.Of(config, "actorevolve");
        var gaSettings = ReadGa(root, root.Section("ga").String("preset"));
        var engine = root.Section("engine");
        var policy = new EvaluationPolicy(engine.Timeout("evaluation-timeout"), engine.Int("max-attempts", min: 1),
            engine.Timeout("final-timeout"));
        var slots = engine.Int("trainer-slots", min: 0, max: MaxTrainerSlots);
        var stateDir = ReadStateDirectory(config);
        return new EngineSettings(root.Long("seed"), stateDir, gaSettings,
            SearchSpaceParser.Parse(root.Section("search-space")), policy,
            slots == 0 ? Math.Min(Environment.ProcessorCount, MaxTrainerSlots) : slots,
            Persistence.JournalSettings.From(root.String("journal"), stateDir), engine.Bool("local-trainers"),
            ReadObjective(root, gaSettings));
    }

    /// <summary><c>actorevolve.state-dir</c>: a folder, or a path where one can be made (not a file).</summary>
    public static string ReadStateDirectory(Config config)
    {
        var stateDir = SettingsReader.Of(config, "actorevolve").String("state-dir");
        if (stateDir.Trim() == "") throw new ConfigException("invalid configuration: actorevolve.state-dir is empty");
        return File.Exists(stateDir)
            ? throw new ConfigException($"state directory {Path.GetFullPath(stateDir)} is a file, not a folder")
            : stateDir;
    }

    /// <summary><c>objective { metric = accuracy, direction = maximize }</c>, or two metrics kept as a Pareto front:
    /// <c>metric = [accuracy, parameters], direction = [maximize, minimize]</c>. The fitness source checks that it
    /// reports the metrics (an <c>exec:</c> program's results, as they arrive: a result without one fails).</summary>
    static Core.Fitness.Objective ReadObjective(SettingsReader root, GaSettings ga)
    {
        var objective = root.Section("objective");
        IReadOnlyList<string> Words(string key) =>
            objective.Kind(key) == SettingKind.List ? objective.Strings(key) : [objective.String(key)];
        var metrics = Words("metric").Select(m => m.Trim()).ToArray();
        var directions = Words("direction");
        if (metrics.Length is 0 or > 2)
            throw new ConfigException($"invalid configuration: {objective.KeyOf("metric")} must name one metric " +
                                      $"or a list of two, got {metrics.Length}");
        if (metrics.Any(m => m == ""))
            throw new ConfigException(
                $"invalid configuration: {objective.KeyOf("metric")} must name a metric (e.g. accuracy)");
        if (directions.Count != metrics.Length)
            throw new ConfigException($"invalid configuration: {objective.KeyOf("direction")} must give one " +
                                      $"direction per metric ({metrics.Length}), got {directions.Count}");
        var criteria = metrics.Zip(directions, (metric, direction) => new Core.Fitness.Objective(metric,
            direction switch
            {
                "maximize" => true,
                "minimize" => false,
                _ => throw new ConfigException($"invalid configuration: {objective.KeyOf("direction")} must be " +
                                               $"maximize or minimize, got '{direction}'"),
            })).ToArray();
        return Validated(() => (criteria.Length == 2 ? criteria[0] with { Second = criteria[1] } : criteria[0])
            .Validated(ga));
    }

    /// <summary>The GA settings of the <c>actorevolve</c> section, with a named preset's operators
    /// (<c>actorevolve.ga-presets.NAME</c>) over the <c>ga</c> block when <paramref name="preset"/> is not empty.
    /// </summary>
    public static GaSettings ReadGa(SettingsReader root, string preset)
    {
        var ga = GaSection(root, preset);
        var initial = ga.Choice("initial-population", ("random", InitialPopulation.Random),
            ("grid", InitialPopulation.Grid), ("spread", InitialPopulation.Spread));
        var mode = ga.Choice("mode", ("generational", GaMode.Generational), ("steady-state", GaMode.SteadyState));
        var removal = ga.Choice("removal", ("oldest", Removal.Oldest), ("worst", Removal.Worst));
        var guidance = ga.Choice("guidance", ("off", Guidance.Off), ("knn", Guidance.Knn), ("tpe", Guidance.Tpe));
        return Validated(() => new GaSettings(ga.Int("population"), ga.Int("generations"), ga.Double("retain"),
            ga.Double("random-select"), ga.Double("mutate-chance"), initial, ga.Bool("avoid-duplicates"),
            ga.Double("immigrants"), ga.Int("tournament"), ga.Int("sharing-radius"), ga.Bool("adaptive-mutation"),
            mode, ga.Int("evaluations"), removal, ga.Bool("birth-order"), guidance, ga.Int("candidates"),
            ga.Double("exploration"), ReadRungs(ga, root)).Validated());
    }

    static SettingsReader GaSection(SettingsReader root, string preset)
    {
        var sizes = root.Section("ga");
        return preset == "" ? sizes : root.Section("ga-presets").OptionalSection(preset)?.Over(sizes)
            ?? throw new ConfigException($"unknown GA preset '{preset}' (define it under actorevolve.ga-presets)");
    }

    /// <summary>Whether the run's rungs are <c>auto</c> (in its <c>ga</c> block, or its preset's).</summary>
    public static bool AutoRungs(Config config)
    {
        var root = SettingsReader.Of(config, "actorevolve");
        var ga = GaSection(root, root.Section("ga").String("preset"));
        return ga.Kind("rungs") == SettingKind.Value && ga.String("rungs") == "auto";
    }

    /// <summary><c>ga.rungs</c>: off, a list of epochs (the last the full budget) or auto, Hyperband's geometric
    /// ladder below the full budget (<see cref="RungSettings.Auto"/>); <c>ga.reduction</c>: η.</summary>
    static RungSettings? ReadRungs(SettingsReader ga, SettingsReader root)
    {
        if (ga.Kind("rungs") == SettingKind.List) return new RungSettings(ga.Ints("rungs"), ga.Int("reduction"));
        if (!ga.Choice("rungs", ("off", false), ("auto", true))) return null;
        var table = root.String("fitness").StartsWith("table:", StringComparison.Ordinal);
        return RungSettings.Auto(FullEpochs(root) ?? throw new ConfigException(table
            ? $"invalid configuration: {ga.KeyOf("rungs")} = auto needs the table's learning curves (columns " +
              "accuracy_curve and loss_curve, as actorevolve brute records them) to know the full budget"
            : $"invalid configuration: {ga.KeyOf("rungs")} = auto needs the full budget in epochs, which this " +
              "fitness does not give here: list the rungs' epochs instead, e.g. [1, 3, 9]"), ga.Int("reduction"));
    }

    /// <summary>The fitness's full training budget in epochs, where the configuration says it: the MLP's budget,
    /// an <c>exec:</c> program's <c>exec.max-epochs</c>, or a table's <c>table-max-epochs</c> (its longest learning
    /// curve, which a new run reads from the table).</summary>
    static int? FullEpochs(SettingsReader root)
    {
        var fitness = root.String("fitness");
        if (fitness == "mlp")
        {
            var training = root.Section("training");
            return training.Section("budgets").Section(training.String("budget")).Int("max-epochs");
        }
        if (fitness.StartsWith("table:", StringComparison.Ordinal))
            return root.Int("table-max-epochs", min: 0) is > 0 and var tableEpochs ? tableEpochs : null;
        var exec = fitness.StartsWith("exec:", StringComparison.Ordinal) ? root.OptionalSection("exec") : null;
        return exec?.Kind("max-epochs") is SettingKind.Value && exec.Int("max-epochs") is > 0 and var epochs
            ? epochs : null;
    }

    /// <summary>Builds a value whose own check (a record's <c>Validated</c>) throws <see cref="ArgumentException"/>,
    /// turning that into the one-line configuration error.</summary>
    public static T Validated<T>(Func<T> build)
    {
        try
        {
            return build();
        }
        catch (ArgumentException e)
        {
            throw new ConfigException($"invalid configuration: {HoconLoader.FirstLine(e.Message)}");
        }
    }
}
