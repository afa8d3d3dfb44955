using ActorEvolve.Core.Evolution;
using ActorEvolve.Core.Fitness;
using ActorEvolve.Core.Genes;
using ActorEvolve.Core.Randomness;
using CsCheck;

namespace ActorEvolve.Core.Tests;

public sealed class ParetoTests
{
    /// <summary>Accuracy maximised, parameter count minimised.</summary>
    static readonly Objective AccuracyAndSize =
        new("accuracy", Maximize: true, new Objective("parameters", Maximize: false));

    /// <summary>The fake accuracy, and a size that grows with the network's neurons and layers.</summary>
    static FitnessResult Sized(Genome genome) => Spaces.FakeFitness(genome) with
    {
        Metrics = new Dictionary<string, double>
        {
            ["parameters"] = int.Parse(genome.Get("nb_neurons")) * int.Parse(genome.Get("nb_layers")),
        },
    };

    /// <summary>Points on a small grid, so that ties and duplicates are common.</summary>
    static readonly Gen<double[][]> Points = Gen.Int[0, 6].Select(Gen.Int[0, 6], (a, b) => new double[] { a, b })
        .Array[0, 40];

    [Fact]
    public void Fronts_partition_the_points_each_dominated_only_by_earlier_fronts() => Points.Sample(points =>
    {
        var fronts = Pareto.Fronts(points);
        Assert.Equal(Enumerable.Range(0, points.Length), fronts.SelectMany(f => f).Order());
        for (var k = 0; k < fronts.Count; k++)
        {
            var laterOrSame = fronts.Skip(k).SelectMany(f => f).ToArray();
            foreach (var member in fronts[k])
            {
                Assert.DoesNotContain(laterOrSame, other => Pareto.Dominates(points[other], points[member]));
                if (k > 0) Assert.Contains(fronts[k - 1], other => Pareto.Dominates(points[other], points[member]));
            }
        }
    });

    [Fact]
    public void Crowding_keeps_each_fronts_extremes_and_is_never_negative() => Points.Sample(points =>
    {
        foreach (var front in Pareto.Fronts(points))
        {
            var crowding = Pareto.Crowding(points, front);
            Assert.All(crowding, d => Assert.True(d >= 0));
            for (var objective = 0; objective < 2; objective++)
            {
                var best = front.Max(i => points[i][objective]);
                Assert.Contains(Enumerable.Range(0, front.Count),
                    k => points[front[k]][objective] == best && double.IsPositiveInfinity(crowding[k]));
            }
        }
    });

    [Fact]
    public void The_order_is_by_front_and_does_not_depend_on_the_order_genomes_come_in() =>
        Gen.Int[1, 60].Select(Gen.ULong).Sample((size, seed) =>
        {
            var scored = new Evolver(Spaces.Seed(), new GaSettings(Population: size))
                .InitialPopulation(new DeterministicRng(seed))
                .Select(g => new ScoredGenome(g, AccuracyAndSize.Apply(Sized(g)))).ToArray();
            var ranked = Pareto.Rank(scored, AccuracyAndSize);
            var shuffled = new DeterministicRng(seed + 1).Permutation(size).Select(i => scored[i]);
            Assert.Equal(Keys(ranked), Keys(Pareto.Rank(shuffled, AccuracyAndSize)));
            var points = ranked.Select(s => AccuracyAndSize.Oriented(s.Fitness)).ToArray();
            for (var i = 0; i < points.Length; i++) // nothing later in the order dominates anything before it
                Assert.DoesNotContain(points.Skip(i + 1), later => Pareto.Dominates(later, points[i]));
        }, iter: 300);

    [Fact]
    public void The_front_is_the_non_dominated_genomes_most_accurate_first()
    {
        var scored = Spaces.Seed().Enumerate().Select(g => new ScoredGenome(g, AccuracyAndSize.Apply(Sized(g))))
            .ToArray();
        var front = Pareto.Front(scored, AccuracyAndSize);
        var points = scored.Select(s => AccuracyAndSize.Oriented(s.Fitness)).ToArray();
        Assert.True(front.Count >= 2);
        Assert.All(front, member => Assert.DoesNotContain(points,
            p => Pareto.Dominates(p, AccuracyAndSize.Oriented(member.Fitness))));
        Assert.Equal(scored.Max(s => s.Fitness.Accuracy), front[0].Fitness.Accuracy);
        Assert.Equal(64, AccuracyAndSize.SecondValue(front[^1].Fitness)); // the smallest network: 64 neurons, 1 layer
        Assert.Equal(front[0], Pareto.Rank(scored, AccuracyAndSize)[0]);
    }

    /// <summary>What a sequence says, for comparing (results hold their metrics by reference).</summary>
    static string[] Keys(IEnumerable<ScoredGenome> scored) => scored.Select(s => s.Genome.Key).ToArray();

    static string[] Keys(IEnumerable<RecordedFitness> facts) =>
        facts.Select(f => $"{f.Generation} {f.Genome.Key} {f.Result.Accuracy}").ToArray();

    static SearchState Run(GaSettings settings, long seed)
    {
        var state = new SearchState(Spaces.Seed(), settings, seed, AccuracyAndSize);
        while (true)
        {
            foreach (var genome in state.PendingEvaluations) state.RecordFitness(genome, Sized(genome));
            state.CompleteGeneration();
            if (state.IsFinished) return state;
        }
    }

    [Fact]
    public void A_two_objective_run_keeps_the_top_of_nsga_iis_order_and_replays_from_its_facts()
    {
        var settings = new GaSettings(Population: 12, Generations: 6, AvoidDuplicates: true, Tournament: 2);
        var run = Run(settings, 7);
        Assert.Equal(Keys(run.Facts), Keys(Run(settings, 7).Facts));
        var replayed = SearchState.Replay(Spaces.Seed(), settings, 7, run.Facts, 6, AccuracyAndSize);
        Assert.Equal(Keys(run.Ranking), Keys(replayed.Ranking));

        var generation = SearchState.Replay(Spaces.Seed(), settings, 7, run.Facts.Where(f => f.Generation < 3), 2,
            AccuracyAndSize);
        var survivors = Pareto.Rank(generation.Population.Select(g => generation.Evaluated[g.Key]), AccuracyAndSize)
            .Take(4).Select(s => s.Genome); // retain 0.4 of 12
        generation.CompleteGeneration();
        Assert.Equal(survivors, generation.Population.Take(4));
    }

    [Fact]
    public void A_steady_state_run_removing_the_worst_by_pareto_order_replays_from_its_facts()
    {
        var settings = new GaSettings(Population: 8, Evaluations: 40, Mode: GaMode.SteadyState,
            Removal: Removal.Worst, AvoidDuplicates: true, Tournament: 2);
        var state = new SteadyStateSearch(Spaces.Seed(), settings, 3, AccuracyAndSize);
        while (!state.IsFinished)
        {
            var child = state.Breed();
            if (child.Evaluate) state.RecordResult(child.Genome, Sized(child.Genome));
        }
        var removed = state.Facts.OfType<SteadyRemoval>().ToArray();
        Assert.Equal(32, removed.Length);
        var replayed = SteadyStateSearch.Replay(Spaces.Seed(), settings, 3, state.Facts, AccuracyAndSize);
        Assert.Equal(state.Population.Select(m => $"{m.Birth} {m.Scored.Genome.Key}"),
            replayed.Population.Select(m => $"{m.Birth} {m.Scored.Genome.Key}"));
    }

    [Fact]
    public void A_result_without_the_second_metric_fails_and_applying_twice_changes_nothing()
    {
        var genome = Spaces.Seed().Enumerate().First();
        var missing = AccuracyAndSize.Apply(Spaces.FakeFitness(genome));
        Assert.Equal("the result has no metric 'parameters'", missing.FailureReason);

        var sizeFirst = new Objective("parameters", false, new Objective("accuracy", true));
        var applied = sizeFirst.Apply(Sized(genome));
        Assert.Equal(applied.Accuracy, sizeFirst.Apply(applied).Accuracy);
        Assert.Equal(Spaces.FakeFitness(genome).Accuracy, sizeFirst.SecondValue(sizeFirst.Apply(applied)));
    }

    [Fact]
    public void Ga_features_that_rank_by_one_score_are_refused_with_two_objectives()
    {
        var settings = new GaSettings(SharingRadius: 1);
        var refused = Assert.Throws<ArgumentException>(() => new SearchState(Spaces.Seed(), settings, 1,
            AccuracyAndSize));
        Assert.Equal("sharing-radius ranks by one score: set it to 0 with two objectives", refused.Message);
        Assert.Equal("objective names metric 'accuracy' twice", Assert.Throws<ArgumentException>(() =>
            new Objective("accuracy", true, new Objective("accuracy", false)).Validated(new GaSettings())).Message);
    }

    [Theory]
    [InlineData(3, 5, "0 1 2")]
    [InlineData(9, 5, "0 2 4 6 8")]
    [InlineData(12, 5, "0 3 6 8 11")]
    public void The_tested_members_spread_along_the_front_from_end_to_end(int size, int count, string expected)
    {
        var front = Spaces.Seed().Enumerate().Take(size).Select(g => new ScoredGenome(g, Sized(g))).ToArray();
        var spread = Pareto.Spread(front, count);
        Assert.Equal(expected, string.Join(" ", spread.Select(s => Array.IndexOf(front, s))));
    }
}
