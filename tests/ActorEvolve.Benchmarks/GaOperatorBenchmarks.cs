using ActorEvolve.Core.Evolution;
using ActorEvolve.Core.Fitness;
using ActorEvolve.Core.Genes;
using ActorEvolve.Core.Randomness;
using BenchmarkDotNet.Attributes;

namespace ActorEvolve.Benchmarks;

/// <summary>The pure GA: breeding a generation, and rebuilding a long run's state from its facts (what recovery
/// does).</summary>
public class GaOperatorBenchmarks
{
    static readonly SearchSpace Space = new([
        new ChoiceGene("nb_neurons", ["64", "128", "256", "512", "768", "1024"]),
        new IntRangeGene("nb_layers", 1, 4),
        new ChoiceGene("activation", ["relu", "elu", "tanh", "sigmoid"]),
        new ChoiceGene("optimizer", ["rmsprop", "adam", "sgd", "adagrad", "adadelta", "adamax", "nadam"]),
        new FloatRangeGene("learning_rate", 1e-4, 1e-1, log: true),
    ]);

    [Params(20, 200)] public int Population;

    Evolver _evolver = null!;
    ScoredGenome[] _scored = null!;
    RecordedFitness[] _facts = null!;
    GaSettings _settings = null!;

    static FitnessResult Score(Genome genome) =>
        new(genome.Key.Aggregate(17UL, (h, c) => (h ^ c) * 1099511628211UL) % 10_000 / 10_000.0, 1, 1, 0, "bench");

    [GlobalSetup]
    public void Setup()
    {
        _settings = new GaSettings(Population: Population, Generations: 100, AvoidDuplicates: true);
        _evolver = new Evolver(Space, _settings);
        _scored = _evolver.InitialPopulation(new DeterministicRng(1))
            .Select(g => new ScoredGenome(g, Score(g))).ToArray();
        var state = new SearchState(Space, _settings, seed: 1);
        while (!state.IsFinished)
        {
            foreach (var genome in state.PendingEvaluations) state.RecordFitness(genome, Score(genome));
            state.CompleteGeneration();
        }
        _facts = state.Facts.ToArray();
    }

    [Benchmark(Description = "NextGeneration")]
    public IReadOnlyList<Genome> NextGeneration() =>
        _evolver.NextGeneration(_scored, new DeterministicRng(2), _ => false);

    [Benchmark(Description = "Replay 100 generations")]
    public SearchState Replay() => SearchState.Replay(Space, _settings, 1, _facts, completedGenerations: 100);
}
