using ActorEvolve.Core.Evolution;
using ActorEvolve.Core.Fitness;
using ActorEvolve.Core.Genes;
using ActorEvolve.Core.Randomness;

namespace ActorEvolve.Core.Tests;

public sealed class SteadyStateSearchTests
{
    static GaSettings Steady(int population = 10, int evaluations = 60, Removal removal = Removal.Oldest,
        bool birthOrder = false) => new(Population: population, Evaluations: evaluations, Mode: GaMode.SteadyState,
        Removal: removal, BirthOrder: birthOrder, AvoidDuplicates: true, Tournament: 2);

    /// <summary>Drives a search with <paramref name="slots"/> slots; results come back in an order drawn from
    /// <paramref name="arrivalSeed"/> (as a cluster would return them). <paramref name="onStep"/> sees the state
    /// after every transition.</summary>
    static SteadyStateSearch Run(GaSettings settings, long seed, int slots, long arrivalSeed,
        Action<SteadyStateSearch>? onStep = null, SearchSpace? space = null,
        Func<Genome, FitnessResult>? fitness = null)
    {
        var state = new SteadyStateSearch(space ?? Spaces.Seed(), settings, seed);
        var arrival = new DeterministicRng((ulong)arrivalSeed);
        var training = new List<Genome>();
        while (true)
        {
            while (training.Count < slots && state.CanBreed)
            {
                var child = state.Breed();
                if (child.Evaluate) training.Add(child.Genome);
                onStep?.Invoke(state);
            }
            if (state.IsFinished) return state; // the last births may have been cached: nothing left in training
            var done = training[arrival.NextInt(training.Count)];
            training.Remove(done);
            state.RecordResult(done, (fitness ?? Spaces.FakeFitness)(done));
            onStep?.Invoke(state);
        }
    }

    static string[] Keys(SteadyStateSearch state) => state.Population.Select(m => $"{m.Birth}:{m.Scored.Genome.Key}")
        .ToArray();

    [Fact]
    public void A_run_makes_its_births_keeps_the_population_size_and_trains_no_genome_twice()
    {
        var state = Run(Steady(), 42, slots: 3, arrivalSeed: 1,
            onStep: s => Assert.InRange(s.Population.Count, 0, 10));
        Assert.Equal(60, state.Births);
        Assert.Equal(10, state.Population.Count);
        var results = state.Facts.OfType<SteadyResult>().Select(r => r.Genome.Key).ToArray();
        Assert.Equal(results.Length, results.Distinct().Count());
        Assert.Equal(state.Evaluated.Count, results.Length);
        Assert.Equal(50, state.Facts.OfType<SteadyRemoval>().Count()); // 60 joined, 10 stay
        Assert.Equal(6, state.History.Count); // rounds of 10 joins
        Assert.Equal(results.Length, state.History.Sum(r => r.Trained));
        Assert.Equal(Evolver.Rank(state.Population.Select(m => m.Scored))[0].Fitness.Accuracy, state.History[^1].Best);
    }

    [Fact]
    public void The_first_births_are_the_generational_runs_generation_zero()
    {
        var generational = new SearchState(Spaces.Seed(), new GaSettings(Population: 10), 7);
        var state = Run(Steady(), 7, slots: 2, arrivalSeed: 3);
        Assert.Equal(generational.Population, state.Facts.OfType<SteadyBirth>().Take(10).Select(b => b.Genome));
    }

    [Fact]
    public void Removal_oldest_removes_in_joining_order_and_removal_worst_the_lowest_score()
    {
        var joined = new List<int>();
        var oldest = Run(Steady(), 5, slots: 4, arrivalSeed: 9, onStep: s =>
        {
            foreach (var m in s.Population.Where(m => !joined.Contains(m.Birth))) joined.Add(m.Birth);
        });
        Assert.Equal(joined.Take(50), oldest.Facts.OfType<SteadyRemoval>().Select(r => r.Birth));

        var seen = 0;
        var worstRemovals = 0;
        Run(Steady(removal: Removal.Worst), 5, slots: 4, arrivalSeed: 9, onStep: s =>
        {
            foreach (var gone in s.Facts.Skip(seen).OfType<SteadyRemoval>())
            {
                worstRemovals++;
                var score = s.Evaluated[gone.Genome.Key].Fitness.Score;
                Assert.All(s.Population, stays => Assert.True(stays.Scored.Fitness.Score >= score));
            }
            seen = s.Facts.Count;
        });
        Assert.Equal(50, worstRemovals);
    }

    /// <summary>Accuracy in tenths: many members tie, and a tie must be broken by key as a full sort breaks it.
    /// </summary>
    static FitnessResult InTenths(Genome genome)
    {
        var result = Spaces.FakeFitness(genome);
        return result with { Accuracy = Math.Round(result.Accuracy, 1) };
    }

    [Theory]
    [InlineData(Removal.Oldest)]
    [InlineData(Removal.Worst)]
    public void The_population_kept_ranked_between_births_is_its_full_ranking_with_ties_broken_by_key(
        Removal removal)
    {
        var steps = 0;
        var state = Run(Steady(removal: removal), 13, slots: 5, arrivalSeed: 4, fitness: InTenths, onStep: s =>
        {
            Assert.Equal(Evolver.Rank(s.Population.Select(m => m.Scored)), s.RankedPopulation);
            steps++;
        });
        Assert.True(steps > 100, $"{steps} steps");
        var scores = state.Population.Select(m => m.Scored.Fitness.Score).ToArray();
        Assert.True(scores.Distinct().Count() < scores.Length, "no tie in the final population");
    }

    [Fact]
    public void The_same_seed_and_arrival_order_give_the_same_run_and_another_arrival_order_another_one()
    {
        var a = Run(Steady(), 11, slots: 4, arrivalSeed: 1);
        Assert.Equal(a.Facts, Run(Steady(), 11, slots: 4, arrivalSeed: 1).Facts);
        Assert.NotEqual(a.Facts.OfType<SteadyBirth>(), Run(Steady(), 11, slots: 4, arrivalSeed: 2).Facts
            .OfType<SteadyBirth>());
    }

    [Fact]
    public void With_birth_order_any_arrival_order_and_slot_count_breeds_the_same_children()
    {
        var settings = Steady(birthOrder: true);
        var reference = Run(settings, 11, slots: 1, arrivalSeed: 1);
        foreach (var (slots, arrival) in new[] { (2, 5L), (4, 6L), (10, 7L), (25, 8L) })
        {
            var run = Run(settings, 11, slots, arrival);
            Assert.Equal(reference.Facts.OfType<SteadyBirth>(), run.Facts.OfType<SteadyBirth>());
            Assert.Equal(reference.Facts.OfType<SteadyRemoval>(), run.Facts.OfType<SteadyRemoval>());
            Assert.Equal(Keys(reference), Keys(run));
        }
    }

    [Fact]
    public void With_birth_order_a_child_waits_for_the_results_it_must_see()
    {
        var state = new SteadyStateSearch(Spaces.Seed(), Steady(birthOrder: true), 3);
        var initial = Enumerable.Range(0, 10).Select(_ => state.Breed()).ToArray();
        Assert.False(state.CanBreed); // child 10 is bred from the whole of births 0 … 9
        foreach (var child in initial.Skip(1)) state.RecordResult(child.Genome, Spaces.FakeFitness(child.Genome));
        Assert.False(state.CanBreed);
        state.RecordResult(initial[0].Genome, Spaces.FakeFitness(initial[0].Genome));
        Assert.True(state.CanBreed);
    }

    [Theory]
    [InlineData(Removal.Oldest, false)]
    [InlineData(Removal.Worst, false)]
    [InlineData(Removal.Oldest, true)]
    public void Replaying_the_facts_rebuilds_the_live_state_at_every_point_and_continues_the_same(
        Removal removal, bool birthOrder)
    {
        var settings = Steady(evaluations: 40, removal: removal, birthOrder: birthOrder);
        var full = Run(settings, 21, slots: 3, arrivalSeed: 4);
        for (var cut = 0; cut <= full.Facts.Count; cut++)
        {
            var facts = full.Facts.Take(cut).ToArray();
            var live = Replay(full.Facts, cut, settings);
            var rebuilt = SteadyStateSearch.Replay(Spaces.Seed(), settings, 21, facts);
            Assert.Equal(live.Births, rebuilt.Births);
            Assert.Equal(Keys(live), Keys(rebuilt));
            Assert.Equal(live.PendingEvaluations, rebuilt.PendingEvaluations);
            Assert.Equal(live.CanBreed, rebuilt.CanBreed);
            Assert.Equal(live.Evaluated.Keys.Order(), rebuilt.Evaluated.Keys.Order());
            Assert.Equal(live.History, rebuilt.History);
            if (rebuilt.CanBreed) Assert.Equal(live.Breed(), rebuilt.Breed());
        }
    }

    /// <summary>The live state after the transitions that produced the first <paramref name="cut"/> facts.</summary>
    static SteadyStateSearch Replay(IReadOnlyList<SteadyFact> facts, int cut, GaSettings settings)
    {
        var live = new SteadyStateSearch(Spaces.Seed(), settings, 21);
        while (live.Facts.Count < cut)
        {
            if (facts[live.Facts.Count] is SteadyResult r) live.RecordResult(r.Genome, r.Result);
            else live.Breed();
        }
        return live;
    }

    [Fact]
    public void Facts_of_another_seed_are_refused()
    {
        var facts = Run(Steady(), 1, slots: 2, arrivalSeed: 1).Facts;
        Assert.Throws<InvalidDataException>(() => SteadyStateSearch.Replay(Spaces.Seed(), Steady(), 2, facts));
    }

    [Fact]
    public void A_space_smaller_than_the_run_still_finishes_with_cached_births()
    {
        var tiny = new SearchSpace([new ChoiceGene("a", ["1", "2"]), new ChoiceGene("b", ["x", "y", "z"])]);
        var state = Run(Steady(population: 4, evaluations: 30), 1, slots: 2, arrivalSeed: 1, space: tiny);
        Assert.Equal(30, state.Births);
        Assert.True(state.Evaluated.Count <= 6);
    }

    [Fact]
    public void Evaluations_below_the_population_are_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => Steady(evaluations: 5).Validated());
        Assert.Contains("evaluations must be", e.Message);
        Assert.Equal(200, new GaSettings(Mode: GaMode.SteadyState).Births());
    }
}
