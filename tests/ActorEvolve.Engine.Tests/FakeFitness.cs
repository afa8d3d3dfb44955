using System.Collections.Concurrent;
using ActorEvolve.Core.Fitness;
using ActorEvolve.Core.Genes;

namespace ActorEvolve.Engine.Tests;

/// <summary>A fitness function for engine tests: a fixed pseudo-random accuracy per genome (what training would
/// give, minus the training), with hooks to make attempts fail or hang (until cancelled), and a count of every call.
/// </summary>
public sealed class FakeFitness(Func<Genome, int, CancellationToken, FitnessResult?>? behaviour) : IFitnessFunction
{
    readonly ConcurrentDictionary<string, int> _calls = new();

    public FakeFitness(Func<Genome, int, FitnessResult?>? behaviour = null)
        : this(behaviour is null ? null : (genome, call, _) => behaviour(genome, call))
    {
    }

    public IReadOnlyDictionary<string, int> Calls => _calls;

    /// <summary>Where each final evaluation was asked to save its model, in order (null: nowhere).</summary>
    public System.Collections.Concurrent.ConcurrentQueue<string?> SavedModels { get; } = new();

    public static FitnessResult Score(Genome genome, string trainer = "fake")
    {
        var hash = genome.Key.Aggregate(17UL, (h, c) => (h ^ c) * 1099511628211UL);
        return new FitnessResult(hash % 10_000 / 10_000.0, 1, 1, 0, trainer);
    }

    public FitnessResult Evaluate(Genome genome, EvaluationContext context, CancellationToken cancellation)
    {
        var call = _calls.AddOrUpdate(genome.Key, 1, (_, n) => n + 1);
        return behaviour?.Invoke(genome, call, cancellation) ?? Score(genome, context.Trainer);
    }

    public FitnessResult? EvaluateOnTestSet(Genome genome, int epochs, EvaluationContext context, string? saveModelTo,
        CancellationToken cancellation)
    {
        SavedModels.Enqueue(saveModelTo);
        return Score(genome, context.Trainer) with { Accuracy = 0.5 };
    }
}
