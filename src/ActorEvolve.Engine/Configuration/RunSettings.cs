using ActorEvolve.Core.Evolution;
using ActorEvolve.Core.Fitness;
using ActorEvolve.Core.Genes;

namespace ActorEvolve.Engine.Configuration;

/// <summary>Everything a run needs to know, fixed when it starts. <paramref name="Config"/> is the run's effective
/// <c>actorevolve</c> configuration (HOCON), journaled with the run so it can be resumed as it was.</summary>
public sealed record RunSettings(string RunId, long Seed, SearchSpace Space, GaSettings Ga, EvaluationPolicy Policy,
    string? ModelPath, string Config = "", Objective? Objective = null)
{
    [System.Text.Json.Serialization.JsonIgnore]
    public Objective Goal => Objective ?? Core.Fitness.Objective.Default;
}

/// <summary>How long one attempt may take and how often a genome is tried before it scores as failed.</summary>
public sealed record EvaluationPolicy(TimeSpan Timeout, int MaxAttempts, TimeSpan FinalTimeout);
