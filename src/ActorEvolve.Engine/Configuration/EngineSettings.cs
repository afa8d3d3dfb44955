using Akka.Configuration;
using ActorEvolve.Core.Evolution;
using ActorEvolve.Engine.Actors;

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

    /// <summary>The coordinator's own trainer slots: 0 when only joining trainer nodes train.</summary>
    public int LocalSlots => LocalTrainers ? TrainerSlots : 0;

    public static EngineSettings From(Config config)
    {
        var root = config.GetConfig("actorevolve") ?? throw new ConfigException("configuration has no 'actorevolve' section");
        return Read(() =>
        {
            var gaSettings = ReadGa(root, root.GetString("ga.preset", ""));
            var engine = root.GetConfig("engine");
            var maxAttempts = engine.GetInt("max-attempts");
            if (maxAttempts < 1) throw new ArgumentException($"engine.max-attempts must be at least 1 (got {maxAttempts})");
            var slots = engine.GetInt("trainer-slots");
            if (slots < 0) throw new ArgumentException($"engine.trainer-slots must be 0 (one per core) or more (got {slots})");
            var policy = new EvaluationPolicy(Positive(engine, "evaluation-timeout"), maxAttempts, Positive(engine, "final-timeout"));
            var stateDir = root.GetString("state-dir");
            return new EngineSettings(root.GetLong("seed"), stateDir, gaSettings,
                SearchSpaceParser.Parse(root.GetConfig("search-space")), policy, slots == 0 ? Environment.ProcessorCount : slots,
                Persistence.JournalSettings.From(root.GetString("journal", ""), stateDir),
                engine.GetBoolean("local-trainers"), ReadObjective(root));
        });
    }

    /// <summary><c>objective { metric = accuracy, direction = maximize }</c>: the metric must be one the fitness
    /// source reports (checked when its results arrive: a result without it fails).</summary>
    static Core.Fitness.Objective ReadObjective(Config root)
    {
        var metric = root.GetString("objective.metric", Core.Fitness.Objective.DefaultMetric).Trim();
        if (metric == "") throw new ArgumentException("objective.metric must name a metric (e.g. accuracy)");
        return root.GetString("objective.direction", "maximize") switch
        {
            "maximize" => new(metric, Maximize: true),
            "minimize" => new(metric, Maximize: false),
            var other => throw new ArgumentException(
                $"objective.direction must be maximize or minimize (got '{other}')"),
        };
    }

    /// <summary>The GA settings of the <c>actorevolve</c> section, with a named preset's operators
    /// (<c>actorevolve.ga-presets.NAME</c>) over the <c>ga</c> block when <paramref name="preset"/> is not empty.</summary>
    public static GaSettings ReadGa(Config root, string preset) => Read(() =>
    {
        var ga = root.GetConfig("ga");
        if (preset != "")
            ga = (root.GetConfig($"ga-presets.{preset}") ?? throw new ArgumentException(
                $"unknown GA preset '{preset}' (define it under actorevolve.ga-presets)")).WithFallback(ga);
        var initial = ga.GetString("initial-population") switch
        {
            "random" => InitialPopulation.Random,
            "grid" => InitialPopulation.Grid,
            var other => throw new ArgumentException($"ga.initial-population must be random or grid (got '{other}')"),
        };
        return new GaSettings(ga.GetInt("population"), ga.GetInt("generations"), ga.GetDouble("retain"),
            ga.GetDouble("random-select"), ga.GetDouble("mutate-chance"), initial, ga.GetBoolean("avoid-duplicates"),
            ga.GetDouble("immigrants"), ga.GetInt("tournament"), ga.GetInt("sharing-radius"), ga.GetBoolean("adaptive-mutation")).Validated();
    });

    /// <summary>Reads a section, turning HOCON type errors and validation failures into one-line errors.</summary>
    public static T Read<T>(Func<T> read)
    {
        try
        {
            return read();
        }
        catch (ConfigException)
        {
            throw;
        }
        catch (Exception e) when (e is ArgumentException or FormatException or ConfigurationException or InvalidCastException or OverflowException)
        {
            throw new ConfigException($"invalid configuration: {HoconLoader.FirstLine(e.Message)}");
        }
    }

    static TimeSpan Positive(Config section, string key)
    {
        var value = section.GetTimeSpan(key);
        return value > TimeSpan.Zero ? value : throw new ArgumentException($"engine.{key} must be positive");
    }
}
