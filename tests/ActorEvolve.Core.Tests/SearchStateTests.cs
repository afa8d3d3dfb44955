using ActorEvolve.Core.Evolution;
using ActorEvolve.Core.Genes;

namespace ActorEvolve.Core.Tests;

public sealed class SearchStateTests
{
    /// <summary>Runs a whole search synchronously with the fake fitness; returns each generation's population
    /// and how many times each genome was evaluated.</summary>
    static (List<IReadOnlyList<Genome>> Populations, Dictionary<string, int> Evaluations, SearchState State) Run(
        SearchSpace space, GaSettings settings, long seed)
    {
        var state = new SearchState(space, settings, seed);
        var populations = new List<IReadOnlyList<Genome>>();
        var evaluations = new Dictionary<string, int>();
        while (!state.IsFinished)
        {
            populations.Add(state.Population);
            foreach (var genome in state.PendingEvaluations)
            {
                evaluations[genome.Key] = evaluations.GetValueOrDefault(genome.Key) + 1;
                state.RecordFitness(genome, Spaces.FakeFitness(genome));
            }
            state.CompleteGeneration();
        }
        return (populations, evaluations, state);
    }

    [Fact]
    public void The_same_seed_and_fitness_give_the_same_populations_generation_by_generation()
    {
        var a = Run(Spaces.Seed(), new GaSettings(), 42);
        var b = Run(Spaces.Seed(), new GaSettings(), 42);
        Assert.Equal(10, a.Populations.Count);
        for (var g = 0; g < 10; g++) Assert.Equal(a.Populations[g], b.Populations[g]);
        Assert.NotEqual(a.Populations[0], Run(Spaces.Seed(), new GaSettings(), 43).Populations[0]);
    }

    [Fact]
    public void A_generation_s_summary_is_worked_out_once_for_the_journal_and_the_close()
    {
        var state = new SearchState(Spaces.Seed(), new GaSettings(Population: 6, Generations: 2), 7);
        foreach (var genome in state.PendingEvaluations) state.RecordFitness(genome, Spaces.FakeFitness(genome));
        var journaled = state.CurrentSummary();
        Assert.Same(journaled, state.CurrentSummary());
        Assert.Same(journaled, state.CompleteGeneration());
        // The next generation's is its own.
        foreach (var genome in state.PendingEvaluations) state.RecordFitness(genome, Spaces.FakeFitness(genome));
        Assert.Equal(1, state.CurrentSummary().Generation);
    }

    [Fact]
    public void No_genome_is_evaluated_twice_in_a_run()
    {
        // A tiny space forces many duplicate children.
        var space = new SearchSpace([new ChoiceGene("a", ["1", "2"]), new ChoiceGene("b", ["x", "y", "z"])]);
        var (_, evaluations, state) = Run(space, new GaSettings(Population: 10, Generations: 8), 1);
        Assert.All(evaluations.Values, count => Assert.Equal(1, count));
        Assert.True(evaluations.Count <= 6);
        Assert.Equal(evaluations.Count, state.Evaluated.Count);
    }

    [Fact]
    public void Pending_evaluations_list_each_new_genome_once()
    {
        var space = new SearchSpace([new ChoiceGene("a", ["1"])]);
        var state = new SearchState(space, new GaSettings(Population: 5), 1);
        Assert.Equal(5, state.Population.Count);
        Assert.Single(state.PendingEvaluations);
        state.RecordFitness(state.Population[0], Spaces.FakeFitness(state.Population[0]));
        Assert.True(state.IsGenerationComplete);
        Assert.Empty(state.PendingEvaluations);
    }

    [Fact]
    public void The_best_never_gets_worse_from_one_generation_to_the_next()
    {
        var (_, _, state) = Run(Spaces.Seed(), new GaSettings(), 7);
        var bests = state.History.Select(h => h.Best).ToArray();
        Assert.Equal(bests.Order(), bests);
        Assert.Equal(state.Best.Fitness.Accuracy, bests[^1]);
    }

    [Fact]
    public void Replaying_the_facts_rebuilds_the_same_state_at_any_point()
    {
        var (populations, _, full) = Run(Spaces.Seed(), new GaSettings(), 11);
        for (var completed = 0; completed <= 10; completed++)
        {
            // Everything up to `completed` generations, plus half of the next one's evaluations.
            var facts = full.Facts.Where(f => f.Generation < completed).ToList();
            facts.AddRange(full.Facts.Where(f => f.Generation == completed).Take(3));
            var replayed = SearchState.Replay(Spaces.Seed(), new GaSettings(), 11, facts, completed);
            Assert.Equal(Math.Min(completed, 9), replayed.Generation);
            Assert.Equal(populations[Math.Min(completed, 9)], replayed.Population);
            Assert.Equal(facts.Count, replayed.Evaluated.Count);
            Assert.Equal(full.History.Take(completed), replayed.History);
        }
    }

    [Fact]
    public void A_generation_cannot_complete_with_evaluations_pending()
    {
        var state = new SearchState(Spaces.Seed(), new GaSettings(), 1);
        Assert.Throws<InvalidOperationException>(() => state.CompleteGeneration());
    }
}
