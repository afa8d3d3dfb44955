using ActorEvolve.Core.Fitness;
using ActorEvolve.Core.Genes;

namespace ActorEvolve.Core.Tests;

public static class Spaces
{
    /// <summary>The seed's search space.</summary>
    public static SearchSpace Seed() => new([
        new ChoiceGene("nb_neurons", ["64", "128", "256", "512", "768", "1024"]),
        new IntRangeGene("nb_layers", 1, 4),
        new ChoiceGene("activation", ["relu", "elu", "tanh", "sigmoid"]),
        new ChoiceGene("optimizer", ["rmsprop", "adam", "sgd", "adagrad", "adadelta", "adamax", "nadam"]),
    ]);

    /// <summary>A deterministic stand-in for training: a fixed pseudo-random accuracy per genome.</summary>
    public static FitnessResult FakeFitness(Genome genome)
    {
        var hash = genome.Key.Aggregate(17UL, (h, c) => (h ^ c) * 1099511628211UL);
        return new FitnessResult((hash % 10_000) / 10_000.0, 1, 1, 0, "fake");
    }
}
