using ActorEvolve.Core.Evolution;
using ActorEvolve.Core.Fitness;
using ActorEvolve.Core.Genes;
using ActorEvolve.Core.Randomness;
using CsCheck;

namespace ActorEvolve.Core.Tests;

public sealed class SuccessiveHalvingTests
{
    static readonly RungSettings Rungs = new([1, 3, 9], Reduction: 3);

    static IReadOnlyList<Genome> Children(int count, long seed = 1)
    {
        var rng = new DeterministicRng((ulong)seed);
        return Enumerable.Range(0, count * 3).Select(_ => Spaces.Seed().Sample(rng)).DistinctBy(g => g.Key)
            .Take(count).ToArray();
    }

    /// <summary>A stand-in for a learning curve: each genome's score grows with the rung by its own step, and
    /// genomes whose key hashes so stop early at rung 1.</summary>
    static (FitnessResult Result, bool Stopped) Train(RungTrial trial)
    {
        var baseline = Spaces.FakeFitness(trial.Genome).Accuracy;
        var stops = trial.Rung >= 1 && baseline * 1000 % 7 < 1;
        var accuracy = baseline * 0.5 + trial.Rung * 0.1 * ((baseline * 100) % 1);
        return (new FitnessResult(accuracy, 1 - accuracy, trial.Epochs, trial.Epochs - trial.FromEpochs,
            $"t{trial.Rung}"), stops);
    }

    /// <summary>Runs a generation on <paramref name="slots"/> slots whose trials end in an order drawn from
    /// <paramref name="orderSeed"/>; asserts a free slot is never left idle while work could start.</summary>
    static (IReadOnlyList<ScoredGenome> Results, int Trials) Run(IReadOnlyList<Genome> children, int slots,
        long orderSeed, RungSettings? rungs = null)
    {
        var halving = new SuccessiveHalving(children, rungs ?? Rungs);
        var rng = new DeterministicRng((ulong)orderSeed);
        var running = new List<RungTrial>();
        var trials = 0;
        while (!halving.IsSettled)
        {
            while (running.Count < slots && halving.Next() is { } trial)
            {
                // a promotion names who measured the rung below: the holder of its checkpoint
                Assert.Equal(trial.Rung == 0 ? null : $"t{trial.Rung - 1}", trial.FromTrainer);
                running.Add(trial);
                trials++;
            }
            Assert.True(running.Count > 0, "nothing runs, nothing can start, and the generation is not settled");
            var done = running[rng.NextInt(running.Count)];
            running.Remove(done);
            var (result, stopped) = Train(done);
            halving.Record(done.Genome, done.Rung, result, stopped);
        }
        Assert.Equal(running.Count, halving.Running);
        return (halving.Results(), trials);
    }

    [Fact]
    public void Each_rung_keeps_the_best_third_of_the_one_below()
    {
        var (results, trials) = Run(Children(12), slots: 1, orderSeed: 3);
        Assert.Equal(12, results.Count);
        var finallyAt = results.GroupBy(r => r.Fitness.Rung!.Value).ToDictionary(g => g.Key, g => g.Count());
        // 12 children at rung 0, the best 4 at rung 1, the best of those at rung 2 (when none stopped early)
        var stoppedAtOne = results.Count(r => r.Fitness is { Rung: 1, Partial: false });
        Assert.Equal(12 - 4, finallyAt[0]);
        Assert.Equal(4 - 1, finallyAt.GetValueOrDefault(1));
        Assert.Equal(1, finallyAt.GetValueOrDefault(2));
        Assert.Equal(12 - 1 - stoppedAtOne, results.Count(r => r.Fitness.Partial));
        // every child's first rung and the 4 promotions to rung 1 (rung 2's child may have stopped at rung 1), plus
        // early promotions that fell out, far from training all 12 to every rung
        Assert.InRange(trials, 12 + 4, 12 + 4 + 4);
    }

    [Fact]
    public void The_outcome_does_not_depend_on_slots_or_the_order_results_arrive_in()
    {
        foreach (var count in new[] { 2, 5, 12, 20, 40 })
        {
            var children = Children(count, seed: count);
            var expected = Run(children, slots: 1, orderSeed: 0).Results;
            foreach (var (slots, order) in new[] { (2, 1L), (3, 2L), (8, 3L), (64, 4L), (5, 5L) })
                Assert.Equal(Shown(expected), Shown(Run(children, slots, order).Results));
        }
    }

    [Fact]
    public void Any_generation_settles_the_same_way_for_any_slots_and_arrival_order() =>
        Gen.Select(Gen.Int[1, 30], Gen.Int[1, 12], Gen.ULong, Gen.Int[2, 4]).Sample((count, slots, order, reduction) =>
        {
            var children = Children(count, seed: count);
            var rungs = new RungSettings([1, 3, 9], reduction);
            var (expected, _) = Run(children, slots: 1, orderSeed: 0, rungs);
            var (actual, trials) = Run(children, slots, (long)(order >> 1), rungs);
            Assert.Equal(Shown(expected), Shown(actual));
            // every child trains at least once, and none more than once per rung
            Assert.InRange(trials, children.Count, children.Count * rungs.Count);
            Assert.Contains(actual, r => !r.Fitness.Partial); // someone is fully trained
        });

    static string[] Shown(IEnumerable<ScoredGenome> results) =>
        results.Select(r => $"{r.Genome.Key} {r.Fitness.Rung} {r.Fitness.Partial} {r.Fitness.Accuracy}").ToArray();

    [Fact]
    public void Fully_trained_genomes_rank_above_partial_ones_and_the_best_child_is_fully_trained()
    {
        var (results, _) = Run(Children(20, seed: 9), slots: 4, orderSeed: 9);
        var ranked = Evolver.Rank(results);
        var firstPartial = ranked.ToList().FindIndex(r => r.Fitness.Partial);
        Assert.True(firstPartial > 0);
        Assert.All(ranked.Skip(firstPartial), r => Assert.True(r.Fitness.Partial));
        Assert.Equal(ranked.Take(firstPartial).Max(r => r.Fitness.Score), ranked[0].Fitness.Score);
    }

    [Fact]
    public void A_generations_best_is_its_best_fully_trained_genome_even_when_a_partial_one_scored_higher()
    {
        var state = new SearchState(Spaces.Seed(), new GaSettings(Population: 4, Generations: 2, Rungs: Rungs), 1);
        var children = state.NewThisGeneration;
        for (var i = 0; i < children.Count; i++)
            state.RecordFitness(children[i], i == 0
                ? new FitnessResult(0.8, 0.2, 9, 1, "t", Rung: 2)
                : new FitnessResult(0.85 + i / 100.0, 0.1, 1, 1, "t", Rung: 0, Partial: true)); // after 1 epoch

        var summary = state.CompleteGeneration();
        Assert.Equal(0.8, summary.Best);
        Assert.Equal(children[0].Key, summary.BestGenome);
    }

    [Fact]
    public void A_child_that_stopped_early_is_never_trained_again()
    {
        var children = Children(6, seed: 4);
        var halving = new SuccessiveHalving(children, Rungs);
        var trials = new List<RungTrial>();
        while (halving.Next() is { } trial)
        {
            trials.Add(trial);
            // the first child is the best at rung 0 and stops there: its training ended before the budget
            var first = trial.Genome.Key == children[0].Key;
            halving.Record(trial.Genome, trial.Rung, new FitnessResult(first ? 0.9 : 0.5, 0.1, 1, 1, "t"), first);
        }
        Assert.True(halving.IsSettled);
        Assert.Single(trials, t => t.Genome.Key == children[0].Key);
        var result = halving.Results().Single(r => r.Genome.Key == children[0].Key).Fitness;
        Assert.False(result.Partial);
        Assert.Equal(0.9, result.Accuracy);
    }

    [Fact]
    public void A_halving_given_the_results_of_a_stopped_run_trains_none_of_them_again_and_ends_the_same()
    {
        var children = Children(12, seed: 5);
        var (expected, _) = Run(children, slots: 2, orderSeed: 1);
        // A run stopped after some trials: the resumed halving is given their results, as recovery replays them.
        var first = new SuccessiveHalving(children, Rungs);
        var recorded = new List<RungTrial>();
        for (var i = 0; i < 9 && first.Next() is { } trial; i++) recorded.Add(trial);
        var resumed = new SuccessiveHalving(children, Rungs);
        foreach (var trial in recorded)
        {
            var (result, stopped) = Train(trial);
            resumed.Record(trial.Genome, trial.Rung, result, stopped);
        }

        while (resumed.Next() is { } trial)
        {
            Assert.DoesNotContain(recorded, r => r.Genome.Key == trial.Genome.Key && r.Rung == trial.Rung);
            var (result, stopped) = Train(trial);
            resumed.Record(trial.Genome, trial.Rung, result, stopped);
        }
        Assert.Equal(expected.Select(r => (r.Genome.Key, r.Fitness.Rung, r.Fitness.Partial, r.Fitness.Accuracy)),
            resumed.Results().Select(r => (r.Genome.Key, r.Fitness.Rung, r.Fitness.Partial, r.Fitness.Accuracy)));
    }

    [Theory]
    [InlineData(new[] { 3 }, 3, "at least two budgets")]
    [InlineData(new[] { 3, 3 }, 3, "ascending")]
    [InlineData(new[] { 0, 3 }, 3, "ascending")]
    [InlineData(new[] { 1, 3 }, 1, "at least 2")]
    public void Bad_rung_settings_are_refused(int[] epochs, int reduction, string expected) =>
        Assert.Contains(expected, Assert.Throws<ArgumentException>(() =>
            new SuccessiveHalving(Children(3), new RungSettings(epochs, reduction))).Message);
}
