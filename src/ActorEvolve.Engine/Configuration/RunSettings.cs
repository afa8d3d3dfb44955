using ActorEvolve.Core.Evolution;
using ActorEvolve.Core.Fitness;
using ActorEvolve.Core.Genes;

namespace ActorEvolve.Engine.Configuration;

/// <summary>Everything a run needs to know, fixed when it starts. <paramref name="Config"/> is its run.conf (what
/// the run was started with, over the defaults), also journaled in <c>RunStarted</c> so the journal alone says how
/// a run was configured; resume reads run.conf.</summary>
public sealed record RunSettings(string RunId, long Seed, SearchSpace Space, GaSettings Ga, EvaluationPolicy Policy,
    string? ModelPath, string Config = "", Objective? Objective = null)
{
    [System.Text.Json.Serialization.JsonIgnore]
    public Objective Goal => Objective ?? Core.Fitness.Objective.Default;
}

/// <summary>How long one attempt may take and how often a genome is tried before it scores as failed.</summary>
public sealed record EvaluationPolicy(TimeSpan Timeout, int MaxAttempts, TimeSpan FinalTimeout);
