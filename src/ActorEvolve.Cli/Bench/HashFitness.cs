using ActorEvolve.Core.Fitness;
using ActorEvolve.Core.Genes;

namespace ActorEvolve.Cli.Bench;

/// <summary>A zero-cost fitness (a fixed pseudo-random accuracy per genome) that measures the engine alone.</summary>
public sealed class HashFitness : IFitnessFunction
{
    public FitnessResult Evaluate(Genome genome, EvaluationContext context, CancellationToken cancellation)
    {
        var hash = genome.Key.Aggregate(17UL, (h, c) => (h ^ c) * 1099511628211UL);
        return new FitnessResult(hash % 10_000 / 10_000.0, 1, 1, 0, context.Trainer);
    }

    public FitnessResult? EvaluateOnTestSet(Genome genome, int epochs, EvaluationContext context, string? saveModelTo,
        CancellationToken cancellation) => null;
}
