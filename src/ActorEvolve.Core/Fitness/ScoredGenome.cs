using ActorEvolve.Core.Genes;

namespace ActorEvolve.Core.Fitness;

public sealed record ScoredGenome(Genome Genome, FitnessResult Fitness);
