using ActorEvolve.Core.Fitness;
using ActorEvolve.Core.Genes;

namespace ActorEvolve.Engine.Protocol;

/// <summary>GenomeActor → parent, once: the genome's fitness, or its failure after every attempt; with
/// <paramref name="Rung"/>, its result at that rung's budget.</summary>
public sealed record GenomeScored(Genome Genome, FitnessResult Result, bool Final, RungBudget? Rung = null);
