using Akka.Configuration;
using ActorEvolve.Core.Evolution;
using ActorEvolve.Engine.Actors;

namespace ActorEvolve.Engine.Configuration;

/// <summary>The engine's part of the configuration, validated: GA, search space, evaluation policy, slots.</summary>
public sealed record EngineSettings(long Seed, string StateDirectory, GaSettings Ga, Core.Genes.SearchSpace Space,
    EvaluationPolicy Policy, int TrainerSlots, Persistence.JournalSettings Journal)
{
    public static EngineSettings From(Config config)
    {
        var root = config.GetConfig("actorevolve") ?? throw new ConfigException("configuration has no 'actorevolve' section");
        return Read(() =>
        {
            var ga = root.GetConfig("ga");
            var gaSettings = new GaSettings(ga.GetInt("population"), ga.GetInt("generations"), ga.GetDouble("retain"),
                ga.GetDouble("random-select"), ga.GetDouble("mutate-chance")).Validated();
            var engine = root.GetConfig("engine");
            var maxAttempts = engine.GetInt("max-attempts");
            if (maxAttempts < 1) throw new ArgumentException($"engine.max-attempts must be at least 1 (got {maxAttempts})");
            var slots = engine.GetInt("trainer-slots");
            if (slots < 0) throw new ArgumentException($"engine.trainer-slots must be 0 (one per core) or more (got {slots})");
            var policy = new EvaluationPolicy(Positive(engine, "evaluation-timeout"), maxAttempts, Positive(engine, "final-timeout"));
            var stateDir = root.GetString("state-dir");
            return new EngineSettings(root.GetLong("seed"), stateDir, gaSettings,
                SearchSpaceParser.Parse(root.GetConfig("search-space")), policy, slots == 0 ? Environment.ProcessorCount : slots,
                Persistence.JournalSettings.From(root.GetString("journal", ""), stateDir));
        });
    }

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
