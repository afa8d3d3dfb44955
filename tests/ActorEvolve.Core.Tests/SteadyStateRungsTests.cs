using ActorEvolve.Core.Evolution;
using ActorEvolve.Core.Fitness;
using ActorEvolve.Core.Genes;
using ActorEvolve.Core.Randomness;

namespace ActorEvolve.Core.Tests;

/// <summary>Steady-state runs with rungs (ASHA, <see cref="AsyncHalving"/>), checked against the rule written out
/// here again from the facts alone.</summary>
public sealed class SteadyStateRungsTests
{
    static readonly RungSettings Rungs = new([1, 3, 9], Reduction: 3);

    static GaSettings Steady(int population = 10, int evaluations = 60, Removal removal = Removal.Oldest,
        RungSettings? rungs = null) => new(Population: population, Evaluations: evaluations,
        Mode: GaMode.SteadyState, Removal: removal, AvoidDuplicates: true, Tournament: 2, Rungs: rungs ?? Rungs);

    /// <summary>A learning curve per genome: it climbs towards the genome's own ceiling at its own speed (so early
    /// ranks are not final ones), and one genome in five stops early (patience) after 4 epochs.</summary>
    static FitnessResult Train(RungTrial trial)
    {
        var ceiling = Spaces.FakeFitness(trial.Genome).Accuracy;
        var speed = 0.2 + ceiling * 37 % 0.7;
        var epochs = Math.Min(trial.Epochs, ceiling * 1000 % 5 < 1 ? 4 : int.MaxValue);
        var curve = Enumerable.Range(1, epochs).Select(e => ceiling * (1 - Math.Pow(1 - speed, e)))
            .Select(a => new EpochScore(a, 1 - a)).ToArray();
        return new FitnessResult(curve[^1].Accuracy, curve[^1].Loss, epochs, trial.Epochs - trial.FromEpochs,
            $"t{trial.Rung}", Curve: curve);
    }

    /// <summary>Drives a run on <paramref name="slots"/> slots whose trials end in an order drawn from
    /// <paramref name="arrivalSeed"/>; after every fill, a slot left free means nothing could start (checked against
    /// <see cref="Oracle"/>). <paramref name="onStep"/> sees the state after every transition.</summary>
    static (SteadyStateSearch State, int Trials) Run(GaSettings settings, long seed, int slots, long arrivalSeed,
        Action<SteadyStateSearch>? onStep = null)
    {
        var state = new SteadyStateSearch(Spaces.Seed(), settings, seed);
        var arrival = new DeterministicRng((ulong)arrivalSeed);
        var training = new List<RungTrial>();
        var trials = 0;
        while (true)
        {
            while (training.Count < slots && state.NextTrial() is { } trial)
            {
                training.Add(trial);
                trials++;
                onStep?.Invoke(state);
            }
            Assert.Equal(training.Count, state.Running);
            if (training.Count < slots)
            {
                Assert.False(state.CanBreed, "a slot is idle while a child could be born");
                Assert.Null(Oracle.Of(state).Promotion());
            }
            if (state.IsFinished) return (state, trials);
            Assert.NotEmpty(training); // not finished, so something runs
            var done = training[arrival.NextInt(training.Count)];
            training.Remove(done);
            state.RecordResult(done.Genome, Train(done), done.Rung);
            onStep?.Invoke(state);
        }
    }

    /// <summary>ASHA's rule again, from a run's facts alone: per genome its results by rung, what trains now, and
    /// the promotion due (for rung k from the top down, the best of the top ⌊n_k/η⌋ that reached k that did not
    /// stop, is not training and was not measured at k + 1).</summary>
    sealed class Oracle
    {
        readonly Dictionary<string, List<FitnessResult>> _results = [];
        readonly HashSet<string> _running = [];

        public static Oracle Of(SteadyStateSearch state)
        {
            var oracle = new Oracle();
            foreach (var fact in state.Facts) oracle.Apply(fact);
            return oracle;
        }

        public void Apply(SteadyFact fact)
        {
            switch (fact)
            {
                case SteadyBirth birth when !_results.ContainsKey(birth.Genome.Key):
                    _running.Add(birth.Genome.Key);
                    break;
                case SteadyPromotion promotion:
                    _running.Add(promotion.Genome.Key);
                    break;
                case SteadyResult result:
                    _running.Remove(result.Genome.Key);
                    if (!_results.TryGetValue(result.Genome.Key, out var results))
                        _results[result.Genome.Key] = results = [];
                    Assert.Equal(results.Count, result.Result.Rung); // one rung after the other, none twice
                    results.Add(result.Result);
                    break;
            }
        }

        bool Stopped(string key) => _results[key] is var r && r[^1].StoppedBefore(Rungs.Epochs[r.Count - 1]);

        public (string Genome, int Rung)? Promotion()
        {
            for (var rung = Rungs.Count - 2; rung >= 0; rung--)
            {
                var reached = _results.Where(g => g.Value.Count > rung || Stopped(g.Key))
                    .Select(g => (Key: g.Key, Score: g.Value[Math.Min(rung, g.Value.Count - 1)].Score))
                    .OrderByDescending(g => g.Score).ThenBy(g => g.Key, StringComparer.Ordinal).ToArray();
                foreach (var (key, _) in reached.Take(reached.Length / Rungs.Reduction))
                    if (_results[key].Count == rung + 1 && !Stopped(key) && !_running.Contains(key))
                        return (key, rung + 1);
            }
            return null;
        }
    }

    [Fact]
    public void Every_promotion_is_the_one_ASHA_says_and_a_birth_only_starts_when_none_is_due()
    {
        foreach (var (slots, arrival) in new[] { (1, 1L), (3, 2L), (8, 3L) })
        {
            var (state, _) = Run(Steady(), 42, slots, arrival);
            var oracle = new Oracle();
            foreach (var fact in state.Facts)
            {
                switch (fact)
                {
                    case SteadyPromotion promotion:
                        Assert.Equal((promotion.Genome.Key, promotion.Rung), oracle.Promotion());
                        break;
                    case SteadyBirth:
                        Assert.Null(oracle.Promotion());
                        break;
                }
                oracle.Apply(fact);
            }
            Assert.Null(oracle.Promotion()); // finished: nothing more to promote
            Assert.Contains(state.Facts.OfType<SteadyPromotion>(), p => p.Rung == 2);
        }
    }

    [Fact]
    public void A_run_trains_no_rung_twice_and_a_promotion_replaces_its_members_result()
    {
        var (state, trials) = Run(Steady(), 7, slots: 4, arrivalSeed: 5, onStep: s =>
        {
            foreach (var member in s.Population)
                Assert.Equal(s.Evaluated[member.Scored.Genome.Key], member.Scored);
            // The ranking kept between births follows promotions (a member's result moves up or down).
            Assert.Equal(Evolver.Rank(s.Population.Select(m => m.Scored)), s.RankedPopulation);
        });
        var started = state.Facts.OfType<SteadyPromotion>().Select(p => (p.Genome.Key, p.Rung))
            .Concat(state.Facts.OfType<SteadyBirth>().Select(b => (b.Genome.Key, 0)).Distinct()).ToArray();
        Assert.Equal(started.Length, started.Distinct().Count());
        Assert.Equal(trials, started.Length);
        Assert.Equal(60, state.Births);
        // Each genome's result is its highest rung's: partial while it could still go on, final once at the top or
        // stopped. The winner is fully trained.
        var results = state.Facts.OfType<SteadyResult>().GroupBy(r => r.Genome.Key).ToDictionary(g => g.Key,
            g => g.Last().Result);
        foreach (var (key, scored) in state.Evaluated)
        {
            Assert.Equal(results[key], scored.Fitness);
            var stopped = scored.Fitness.StoppedBefore(Rungs.Epochs[scored.Fitness.Rung!.Value]);
            Assert.Equal(scored.Fitness.Rung < 2 && !stopped, scored.Fitness.Partial);
        }
        Assert.False(state.Best.Fitness.Partial);
        // Far fewer epochs than training every child fully.
        Assert.InRange(state.Facts.OfType<SteadyPromotion>().Count(), 1, state.Evaluated.Count);
    }

    [Fact]
    public void Replaying_the_facts_at_any_point_rebuilds_the_same_state_and_pending_trials()
    {
        var checkpoints = 0;
        Run(Steady(removal: Removal.Worst), 11, slots: 3, arrivalSeed: 8, onStep: live =>
        {
            if (++checkpoints % 7 != 0) return;
            var replayed = SteadyStateSearch.Replay(Spaces.Seed(), live.Settings, live.Seed, live.Facts);
            Assert.Equal(live.Facts, replayed.Facts);
            Assert.Equal(live.Population, replayed.Population);
            Assert.Equal(live.Evaluated, replayed.Evaluated);
            Assert.Equal(live.PendingTrials, replayed.PendingTrials);
            Assert.Equal(live.Reached, replayed.Reached);
            Assert.Equal(live.IsFinished, replayed.IsFinished);
            Assert.Equal(live.History, replayed.History);
        });
    }

    [Fact]
    public void A_promotion_ASHA_would_not_make_is_not_this_runs_fact()
    {
        var (state, _) = Run(Steady(), 3, slots: 2, arrivalSeed: 1);
        var promotion = state.Facts.OfType<SteadyPromotion>().First();
        var position = state.Facts.ToList().IndexOf(promotion);
        var loser = state.Evaluated.Values.Where(s => s.Fitness.Rung == 0 && s.Fitness.Partial)
            .MinBy(s => s.Fitness.Score)!.Genome;
        var forged = state.Facts.Take(position).Append(new SteadyPromotion(loser, 1));
        Assert.Throws<InvalidDataException>(() =>
            SteadyStateSearch.Replay(Spaces.Seed(), state.Settings, state.Seed, forged));
    }

    [Fact]
    public void Rungs_auto_is_hyperbands_geometric_ladder()
    {
        Assert.Equal([2, 6], RungSettings.Auto(6, 3).Epochs);
        Assert.Equal([1, 3, 11, 33, 100], RungSettings.Auto(100, 3).Epochs);
        Assert.Equal([1, 2, 4, 9], RungSettings.Auto(9, 2).Epochs);
        Assert.Equal([2, 9], RungSettings.Auto(9, 4).Epochs);
    }

    [Fact]
    public void Birth_order_with_rungs_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => (Steady() with { BirthOrder = true }).Validated());
        Assert.StartsWith("rungs and birth order do not go together", error.Message);
    }
}
