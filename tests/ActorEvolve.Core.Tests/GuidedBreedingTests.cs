using ActorEvolve.Core.Evolution;
using ActorEvolve.Core.Fitness;
using ActorEvolve.Core.Genes;
using ActorEvolve.Core.Randomness;

namespace ActorEvolve.Core.Tests;

/// <summary>Model-guided breeding (<see cref="Surrogate"/>) and the space-filling generation 0.</summary>
public sealed class GuidedBreedingTests
{
    static readonly SearchSpace Space = Spaces.Seed();

    /// <summary>A landscape with one good region: adam networks score high, the more layers the better.</summary>
    static FitnessResult AdamLandscape(Genome genome) => new(
        (genome.Get("optimizer") == "adam" ? 0.8 : 0.3) + genome.GetInt("nb_layers", 1) / 100.0, 0.5, 1, 1, "t");

    static ScoredGenome[] Measured(int count, long seed) =>
        new Evolver(Space, new GaSettings(Population: count, Initial: InitialPopulation.Grid))
            .InitialPopulation(new DeterministicRng((ulong)seed))
            .Select(g => new ScoredGenome(g, AdamLandscape(g))).ToArray();

    static Genome G(string neurons, string layers, string activation, string optimizer) => new([
        KeyValuePair.Create("nb_neurons", neurons), KeyValuePair.Create("nb_layers", layers),
        KeyValuePair.Create("activation", activation), KeyValuePair.Create("optimizer", optimizer)]);

    [Theory]
    [InlineData(Guidance.Knn)]
    [InlineData(Guidance.Tpe)]
    public void The_surrogate_prefers_unmeasured_genomes_of_the_good_region(Guidance kind)
    {
        var measured = Measured(120, 1);
        var surrogate = Surrogate.Fit(Space, kind, measured)!;
        var unmeasured = Space.Enumerate().Where(g => measured.All(m => m.Genome.Key != g.Key)).ToArray();
        var adam = unmeasured.Where(g => g.Get("optimizer") == "adam").Average(surrogate.Predict);
        var others = unmeasured.Where(g => g.Get("optimizer") != "adam").Average(surrogate.Predict);
        Assert.True(adam > others, $"adam {adam} vs others {others}");
    }

    [Theory]
    [InlineData(Guidance.Knn)]
    [InlineData(Guidance.Tpe)]
    public void The_surrogate_does_not_depend_on_the_order_results_arrived_in(Guidance kind)
    {
        var measured = Measured(60, 2);
        var shuffled = new DeterministicRng(3).Permutation(measured.Length).Select(i => measured[i]).ToArray();
        var (a, b) = (Surrogate.Fit(Space, kind, measured)!, Surrogate.Fit(Space, kind, shuffled)!);
        Assert.All(Space.Enumerate(), g => Assert.Equal(a.Predict(g), b.Predict(g)));
    }

    [Theory]
    [InlineData(Guidance.Knn)]
    [InlineData(Guidance.Tpe)]
    public void Measurements_kept_over_a_run_fit_the_model_of_its_final_results(Guidance kind)
    {
        // The landscape ties many genomes (8 scores), so TPE's good set is cut inside a tie, broken by key.
        var measured = Measured(80, 5);
        var arrival = new DeterministicRng(6).Permutation(measured.Length).Select(i => measured[i]).ToArray();
        var kept = new Measurements(Space);
        // Each genome first with a lower rung's result, replaced later (a promotion).
        foreach (var m in arrival) kept.Set(m with { Fitness = m.Fitness with { Accuracy = 0.1 } });
        foreach (var m in arrival.Reverse()) kept.Set(m);
        Assert.Equal(measured.Length, kept.Count);
        var (incremental, atOnce) = (Surrogate.Fit(kind, kept)!, Surrogate.Fit(Space, kind, measured)!);
        Assert.All(Space.Enumerate(), g => Assert.Equal(atOnce.Predict(g), incremental.Predict(g)));
        Assert.NotEqual(atOnce.Predict(G("64", "1", "relu", "adam")), atOnce.Predict(G("64", "1", "relu", "sgd")));
    }

    [Theory]
    [InlineData(Guidance.Knn)]
    [InlineData(Guidance.Tpe)]
    public void With_two_objectives_the_surrogate_prefers_the_region_of_the_pareto_front(Guidance kind)
    {
        // Accuracy from the adam landscape, size from neurons alone.
        var objective = new Objective("accuracy", Maximize: true, new Objective("parameters", Maximize: false));
        FitnessResult Sized(Genome g) => objective.Apply(AdamLandscape(g) with
        {
            Metrics = new Dictionary<string, double> { ["parameters"] = int.Parse(g.Get("nb_neurons")) },
        });
        var measured = Measured(120, 1).Select(m => new ScoredGenome(m.Genome, Sized(m.Genome))).ToArray();
        var surrogate = Surrogate.Fit(Space, kind, measured, objective)!;
        var unmeasured = Space.Enumerate().Where(g => measured.All(m => m.Genome.Key != g.Key)).ToArray();
        double Mean(Func<Genome, bool> where) => unmeasured.Where(where).Average(surrogate.Predict);
        // Accuracy alone does not tell widths apart; the front prefers the narrow.
        var small = Mean(g => g.Get("optimizer") == "adam" && g.Get("nb_neurons") == "64");
        var large = Mean(g => g.Get("optimizer") == "adam" && g.Get("nb_neurons") == "1024");
        Assert.True(small > large, $"small adam {small} vs large adam {large}");
    }

    [Fact]
    public void There_is_no_surrogate_without_guidance_or_with_fewer_than_two_measured_genomes()
    {
        Assert.Null(Surrogate.Fit(Space, Guidance.Off, Measured(20, 4)));
        Assert.Null(Surrogate.Fit(Space, Guidance.Tpe, Measured(20, 4).Take(1).ToArray()));
    }

    [Fact]
    public void A_failed_genome_counts_as_the_worst_measured_one_for_knn()
    {
        var good = G("512", "2", "relu", "adam");
        ScoredGenome[] measured = [
            new(good, new FitnessResult(0.9, 0.5, 1, 1, "t")),
            new(G("64", "1", "sigmoid", "sgd"), new FitnessResult(0.2, 0.5, 1, 1, "t")),
            new(G("64", "1", "sigmoid", "adadelta"), FitnessResult.Failure("diverged", "t")),
        ];
        var surrogate = Surrogate.Fit(Space, Guidance.Knn, measured)!;
        Assert.InRange(surrogate.Predict(G("64", "1", "sigmoid", "adadelta")), 0.2, 0.9);
        var (nearGood, nearBad) = (G("512", "2", "relu", "nadam"), G("64", "1", "sigmoid", "rmsprop"));
        Assert.True(surrogate.Predict(nearGood) > surrogate.Predict(nearBad));
    }

    [Fact]
    public void Float_genes_are_binned_so_the_model_sees_near_values_as_near()
    {
        var space = new SearchSpace([new FloatRangeGene("learning_rate", 0.0001, 0.1, log: true)]);
        Genome Rate(string value) => new([KeyValuePair.Create("learning_rate", value)]);
        ScoredGenome[] measured = [
            new(Rate("0.0002"), new FitnessResult(0.9, 0.5, 1, 1, "t")),
            new(Rate("0.09"), new FitnessResult(0.1, 0.5, 1, 1, "t")),
        ];
        var surrogate = Surrogate.Fit(space, Guidance.Knn, measured)!;
        Assert.True(surrogate.Predict(Rate("0.0003")) > surrogate.Predict(Rate("0.05")));
    }

    [Theory]
    [InlineData(Guidance.Knn)]
    [InlineData(Guidance.Tpe)]
    public void Guided_children_are_new_and_lean_to_the_region_the_model_favours(Guidance kind)
    {
        int AdamChildren(Guidance guidance) => Enumerable.Range(0, 20).Sum(seed =>
        {
            var measured = Measured(40, seed);
            var evaluated = measured.Select(m => m.Genome.Key).ToHashSet();
            var settings = new GaSettings(RandomSelect: 0, AvoidDuplicates: true, Guidance: guidance, Exploration: 0);
            var next = new Evolver(Space, settings).NextGeneration(Measured(20, seed),
                new DeterministicRng((ulong)seed), evaluated.Contains, measured: measured);
            Assert.Equal(20, next.Select(g => g.Key).Distinct().Count());
            Assert.All(next.Skip(8), child => Assert.DoesNotContain(child.Key, evaluated));
            return next.Skip(8).Count(g => g.Get("optimizer") == "adam");
        });
        var (guided, unguided) = (AdamChildren(kind), AdamChildren(Guidance.Off));
        Assert.True(guided > unguided + 20, $"{guided} vs {unguided} adam children");
    }

    [Fact]
    public void Exploration_sends_children_the_model_ranks_low_too()
    {
        var measured = Measured(40, 5);
        var evaluated = measured.Select(m => m.Genome.Key).ToHashSet();
        int NotAdam(double exploration) => Enumerable.Range(0, 20).Sum(seed =>
        {
            var settings = new GaSettings(RandomSelect: 0, Guidance: Guidance.Tpe, Exploration: exploration);
            return new Evolver(Space, settings).NextGeneration(measured.Take(20), new DeterministicRng((ulong)seed),
                evaluated.Contains, measured: measured).Skip(8).Count(g => g.Get("optimizer") != "adam");
        });
        Assert.True(NotAdam(1) > NotAdam(0), $"{NotAdam(1)} vs {NotAdam(0)}");
    }

    [Theory]
    [InlineData(Guidance.Knn)]
    [InlineData(Guidance.Tpe)]
    public void A_guided_state_rebuilt_from_its_facts_in_any_arrival_order_breeds_the_same_generations(Guidance kind)
    {
        var settings = new GaSettings(AvoidDuplicates: true, Tournament: 2, Guidance: kind,
            Initial: InitialPopulation.Spread);
        var full = new SearchState(Space, settings, 17);
        var populations = new List<IReadOnlyList<Genome>>();
        while (!full.IsFinished)
        {
            populations.Add(full.Population);
            foreach (var genome in full.PendingEvaluations) full.RecordFitness(genome, Spaces.FakeFitness(genome));
            full.CompleteGeneration();
        }
        for (var completed = 1; completed < 10; completed++)
        {
            // Trainers finish in any order: the facts of each generation arrive reversed.
            var facts = full.Facts.Where(f => f.Generation < completed).GroupBy(f => f.Generation)
                .SelectMany(g => g.Reverse());
            var rebuilt = SearchState.Replay(Space, settings, 17, facts, completed);
            Assert.Equal(populations[completed], rebuilt.Population);
        }
        var unguided = SearchState.Replay(Space, settings with { Guidance = Guidance.Off }, 17,
            full.Facts.Where(f => f.Generation == 0), 1);
        Assert.NotEqual(populations[1], unguided.Population);
    }

    [Fact]
    public void A_guided_steady_state_run_rebuilt_from_its_facts_breeds_the_same_next_child()
    {
        var settings = new GaSettings(Population: 10, Evaluations: 60, Mode: GaMode.SteadyState, AvoidDuplicates: true,
            Tournament: 2, Guidance: Guidance.Tpe, Initial: InitialPopulation.Spread);
        IReadOnlyList<Genome> Children(GaSettings ga, Action<SteadyStateSearch> atBirth40)
        {
            var state = new SteadyStateSearch(Space, ga, 5);
            var training = new Queue<Genome>();
            while (state.CanBreed || training.Count > 0)
            {
                // Two slots: a result comes back whenever both are busy, oldest first.
                if (state.CanBreed && training.Count < 2)
                {
                    if (state.Births == 40) atBirth40(state);
                    var child = state.Breed();
                    if (child.Evaluate) training.Enqueue(child.Genome);
                }
                else if (training.TryDequeue(out var done)) state.RecordResult(done, AdamLandscape(done));
                else break;
            }
            return state.Facts.OfType<SteadyBirth>().Select(b => b.Genome).ToArray();
        }
        Genome? resumed = null;
        // A run resumed at birth 40 from its journaled facts breeds what the uninterrupted run bred.
        var guided = Children(settings, state => resumed ??= SteadyStateSearch.Replay(Space, settings, 5, state.Facts)
            .Breed().Genome);
        Assert.Equal(guided[40], resumed);
        var unguided = Children(settings with { Guidance = Guidance.Off }, _ => { });
        Assert.True(guided.Skip(10).Count(g => g.Get("optimizer") == "adam") >
                    unguided.Skip(10).Count(g => g.Get("optimizer") == "adam"));
    }

    [Fact]
    public void With_birth_order_a_guided_steady_state_run_breeds_the_same_children_in_any_arrival_order()
    {
        var settings = new GaSettings(Population: 10, Evaluations: 60, Mode: GaMode.SteadyState, AvoidDuplicates: true,
            Tournament: 2, Guidance: Guidance.Tpe, BirthOrder: true);
        Genome[] Births(int slots, ulong arrivalSeed)
        {
            var state = new SteadyStateSearch(Space, settings, 8);
            var arrival = new DeterministicRng(arrivalSeed);
            var training = new List<Genome>();
            while (true)
            {
                while (training.Count < slots && state.CanBreed)
                    if (state.Breed() is { Evaluate: true } child) training.Add(child.Genome);
                if (state.IsFinished || training.Count == 0) break;
                var done = training[arrival.NextInt(training.Count)];
                training.Remove(done);
                state.RecordResult(done, AdamLandscape(done));
            }
            return state.Facts.OfType<SteadyBirth>().Select(b => b.Genome).ToArray();
        }
        var reference = Births(1, 1);
        Assert.Equal(60, reference.Length);
        Assert.Equal(reference, Births(4, 2));
        Assert.Equal(reference, Births(7, 3));
    }

    [Fact]
    public void A_spread_generation_0_holds_every_value_of_every_gene_and_distinct_genomes()
    {
        var settings = new GaSettings(Initial: InitialPopulation.Spread);
        for (var seed = 0UL; seed < 20; seed++)
        {
            var population = new Evolver(Space, settings).InitialPopulation(new DeterministicRng(seed));
            Assert.Equal(20, population.Select(g => g.Key).Distinct().Count());
            foreach (var gene in Space.Genes)
                Assert.Equal(gene.Enumerate().Order(), population.Select(g => g.Get(gene.Name)).Distinct().Order());
        }
        var evolver = new Evolver(Space, settings);
        Assert.Equal(evolver.InitialPopulation(new DeterministicRng(1)),
            evolver.InitialPopulation(new DeterministicRng(1)));
        // Random draws of 20 miss a value now and then: what spread is for.
        Assert.Contains(Enumerable.Range(0, 20), seed => new Evolver(Space, new GaSettings())
            .InitialPopulation(new DeterministicRng((ulong)seed)).Select(g => g.Get("optimizer")).Distinct().Count()
            < 7);
    }

    [Theory]
    [InlineData(0, 0.25, "candidates must be at least 1")]
    [InlineData(10, 1.5, "exploration must be in [0, 1]")]
    [InlineData(10, -0.1, "exploration must be in [0, 1]")]
    public void Invalid_guidance_settings_are_rejected_with_a_reason(int candidates, double exploration, string reason)
    {
        var settings = new GaSettings(Guidance: Guidance.Tpe, Candidates: candidates, Exploration: exploration);
        Assert.Contains(reason, Assert.Throws<ArgumentException>(() => settings.Validated()).Message);
    }
}
