using ActorEvolve.Core.Evolution;
using ActorEvolve.Core.Fitness;
using ActorEvolve.Core.Genes;
using ActorEvolve.Core.Randomness;
using ActorEvolve.Training.Tables;

namespace ActorEvolve.Cli.Bench;

/// <summary>One search on a recorded grid: the best fitness after each unique evaluation, and when it first
/// reached the grid's best genome and the near-best band; <paramref name="SecondsToBest"/>: when the best genome's
/// training ended, in recorded training seconds on the simulated slots; <paramref name="EpochsToBest"/>: the
/// training epochs spent by then, of <paramref name="Epochs"/> in all (a grid with learning curves only).</summary>
public sealed record SearchTrace(IReadOnlyList<double> BestSoFar, int? EvaluationsToBest, int? EvaluationsToNear,
    double? SecondsToBest, int? EpochsToBest, int Epochs)
{
    public int Evaluations => BestSoFar.Count;
}

/// <summary>Percentiles over seeds of "unique evaluations until found"; a seed that never found it counts as
/// later than any that did (null: not reached by that share of seeds).</summary>
public sealed record FindingStats(double? Median, double? P10, double? P90, double NeverShare)
{
    public static FindingStats Of(IReadOnlyList<int?> evaluations)
    {
        var sorted = evaluations.Select(e => e ?? int.MaxValue).Order().ToArray();
        double? Percentile(double p)
        {
            var value = sorted[(int)Math.Round(p * (sorted.Length - 1), MidpointRounding.AwayFromZero)];
            return value == int.MaxValue ? null : value;
        }
        var never = evaluations.Count(e => e is null) / (double)evaluations.Count;
        return new FindingStats(Percentile(0.5), Percentile(0.1), Percentile(0.9), never);
    }
}

/// <summary>
/// Replays searches against a recorded grid (<c>bench replay</c>): the GA exactly as a run would drive it (the same
/// <see cref="SearchState"/>, so cached duplicates cost nothing), and random search without replacement given the
/// same number of unique evaluations, once per seed. Pure and fast: the grid's fitness is a lookup.
/// </summary>
/// <param name="patience">The early-stopping patience the grid was recorded with (to replay shorter budgets of its
/// learning curves).</param>
public sealed class ReplayBench(SearchSpace space, Func<Genome, FitnessResult> fitness, double nearBand,
    int? patience = null)
{
    readonly Genome[] _grid = space.Enumerate().ToArray();

    /// <summary>The grid's best fitness: the target every search is measured against (NaN when every genome of the
    /// grid failed: nothing to find).</summary>
    public double GridBest { get; } = space.Enumerate().Select(fitness).Where(r => !r.Failed)
        .Select(r => r.Accuracy).DefaultIfEmpty(double.NaN).Max();

    public int GridSize => _grid.Length;

    /// <summary>A generational search; each generation's trainings are spread over <paramref name="slots"/>
    /// simulated slots (each to the first free one) and the next generation starts when the last one ends.</summary>
    /// <param name="evaluationCap">Instead of the configured generations, breed on (up to this many generations)
    /// until this many unique evaluations: the GA on the peers' budget.</param>
    public SearchTrace Evolve(GaSettings ga, long seed, int slots, Func<Genome, double> seconds,
        int? evaluationCap = null)
    {
        var trace = new TraceRecorder(GridBest, nearBand);
        var state = new SearchState(space, evaluationCap is { } cap ? ga with { Generations = cap } : ga, seed);
        var clock = new SlotClock(slots);
        while (true)
        {
            foreach (var genome in state.PendingEvaluations)
            {
                var result = fitness(genome);
                state.RecordFitness(genome, result);
                trace.AddTrained(result, clock.Train(seconds(genome)));
                if (trace.Count == evaluationCap) return trace.ToTrace();
            }
            clock.Barrier();
            state.CompleteGeneration();
            if (state.IsFinished) return trace.ToTrace();
        }
    }

    /// <summary>A generational search whose children are trained in <paramref name="rungs"/>
    /// (<see cref="SuccessiveHalving"/>) on <paramref name="slots"/> simulated slots: each trial continues from the
    /// rung below and takes its share of the genome's recorded seconds; a rung's result is the genome's learning
    /// curve cut at that budget. Only fully trained genomes count as found.</summary>
    /// <param name="epochBudget">Instead of the configured generations, breed on (up to ten times as many) until
    /// this many epochs are spent: the cost of a search without rungs.</param>
    public SearchTrace EvolveWithRungs(GaSettings ga, long seed, int slots, Func<Genome, double> seconds,
        RungSettings rungs, int? epochBudget = null)
    {
        var trace = new TraceRecorder(GridBest, nearBand);
        var state = new SearchState(space, epochBudget is null ? ga : ga with { Generations = ga.Generations * 10 },
            seed);
        var now = 0.0;
        while (true)
        {
            var halving = new SuccessiveHalving(state.PendingEvaluations, rungs);
            var training = new PriorityQueue<(RungTrial Trial, RungOutcome Outcome), double>();
            var finished = new Dictionary<string, (double At, int Epochs)>(StringComparer.Ordinal);
            while (!halving.IsSettled)
            {
                while (training.Count < slots && halving.Next() is { } trial)
                {
                    var outcome = AtRung(trial);
                    training.Enqueue((trial, outcome), now + seconds(trial.Genome) * outcome.Share);
                }
                training.TryDequeue(out var done, out now);
                trace.Spend(done.Outcome.Epochs);
                finished[done.Trial.Genome.Key] = (now, trace.Epochs);
                halving.Record(done.Trial.Genome, done.Trial.Rung, done.Outcome.Result, done.Outcome.Stopped);
            }
            // Trials still training are moot (early promotions that fell out): a run cancels them; counted whole here,
            // which overstates what rungs spend.
            while (training.TryDequeue(out var moot, out _)) trace.Spend(moot.Outcome.Epochs);
            foreach (var child in halving.Results().OrderBy(r => finished[r.Genome.Key].At))
            {
                state.RecordFitness(child.Genome, child.Fitness);
                var (at, epochs) = finished[child.Genome.Key];
                trace.Add(child.Fitness.Partial ? child.Fitness with { Accuracy = 0 } : child.Fitness, at, epochs);
            }
            state.CompleteGeneration();
            if (state.IsFinished || trace.Epochs >= epochBudget) return trace.ToTrace();
        }
    }

    /// <summary>A steady-state search whose genomes are trained in <paramref name="rungs"/> (ASHA,
    /// <see cref="SteadyStateSearch.NextTrial"/>) on <paramref name="slots"/> simulated slots: results arrive in the
    /// order a cluster would return them, each trial taking its share of the genome's recorded seconds from the rung
    /// below. Only fully trained genomes count as found; a genome counts as evaluated once, at its first rung.
    /// </summary>
    /// <param name="epochBudget">Instead of the configured births, breed on (up to ten times as many) until this many
    /// epochs are spent.</param>
    public SearchTrace EvolveSteadyStateWithRungs(GaSettings ga, long seed, int slots, Func<Genome, double> seconds,
        RungSettings rungs, int? epochBudget = null)
    {
        var trace = new TraceRecorder(GridBest, nearBand);
        var steady = ga with
        {
            Mode = GaMode.SteadyState, Rungs = rungs, BirthOrder = false,
            Evaluations = epochBudget is null ? ga.Evaluations : ga.Births() * 10,
        };
        var state = new SteadyStateSearch(space, steady, seed);
        var training = new PriorityQueue<(RungTrial Trial, RungOutcome Outcome), double>();
        var now = 0.0;
        while (true)
        {
            while (training.Count < slots && !(trace.Epochs >= epochBudget) && state.NextTrial() is { } trial)
            {
                var outcome = AtRung(trial);
                training.Enqueue((trial, outcome), now + seconds(trial.Genome) * outcome.Share);
            }
            if (!training.TryDequeue(out var done, out now)) return trace.ToTrace();
            trace.Spend(done.Outcome.Epochs);
            state.RecordResult(done.Trial.Genome, done.Outcome.Result, done.Trial.Rung);
            var kept = state.Evaluated[done.Trial.Genome.Key].Fitness;
            trace.Add(kept.Partial ? kept with { Accuracy = 0 } : kept, now, trace.Epochs,
                newGenome: done.Trial.Rung == 0);
        }
    }

    /// <summary>A rung trial's result, stopped (more epochs change nothing), the epochs it trained and its share of
    /// the genome's recorded training time. A genome that failed when the grid was recorded fails at once.</summary>
    sealed record RungOutcome(FitnessResult Result, bool Stopped, int Epochs, double Share);

    /// <summary>A trial's result: the genome's learning curve cut at the rung's budget.</summary>
    RungOutcome AtRung(RungTrial trial)
    {
        var full = fitness(trial.Genome);
        if (full.Failed) return new RungOutcome(full, Stopped: true, Epochs: 0, Share: 0);
        var curve = full.Curve ?? throw new InvalidOperationException(
            "the grid has no learning curves (record one with actorevolve brute)");
        var score = LearningCurve.At(curve, trial.Epochs, patience);
        var epochs = score.Epochs - trial.FromEpochs;
        return new RungOutcome(new FitnessResult(score.Accuracy, score.Loss, score.Epochs, 0, "replay",
                Curve: curve.Take(score.Epochs).ToArray()), score.Stopped, epochs, epochs / (double)curve.Count);
    }

    /// <summary>A steady-state search on <paramref name="slots"/> simulated trainer slots: each evaluation takes its
    /// genome's recorded training time (<paramref name="seconds"/>), so results arrive in the order a cluster would
    /// return them (with birth order, the order does not matter).</summary>
    public SearchTrace EvolveSteadyState(GaSettings ga, long seed, int slots, Func<Genome, double> seconds)
    {
        var trace = new TraceRecorder(GridBest, nearBand);
        var state = new SteadyStateSearch(space, ga, seed);
        var training = new PriorityQueue<Genome, (double Finish, int Birth)>();
        var now = 0.0;
        while (true)
        {
            while (training.Count < slots && state.CanBreed)
            {
                var child = state.Breed();
                if (child.Evaluate) training.Enqueue(child.Genome, (now + seconds(child.Genome), child.Birth));
            }
            if (state.IsFinished) break; // the last births were cached: nothing left in training
            training.TryDequeue(out var done, out var finished);
            now = finished.Finish;
            var result = fitness(done!);
            state.RecordResult(done!, result);
            trace.AddTrained(result, now);
        }
        return trace.ToTrace();
    }

    /// <summary>Each genome's training time from a recorded grid's <c>seconds</c> column (1 s each without one).
    /// </summary>
    public static Func<Genome, double> RecordedSeconds(string grid, SearchSpace space)
    {
        var table = CsvTable.Read(grid, "recorded grid");
        var column = table.Column("seconds");
        var genes = space.Genes.Select(g => (g.Name, Index: table.RequiredColumn(g.Name, "a gene"))).ToArray();
        var seconds = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var row in table.Rows)
            seconds[new Genome(genes.Select(g => KeyValuePair.Create(g.Name, row[g.Index]))).Key] =
                column >= 0 ? row.Number(column) : 1.0;
        return genome => seconds[genome.Key];
    }

    public SearchTrace RandomSearch(int evaluations, long seed, int slots, Func<Genome, double> seconds)
    {
        var trace = new TraceRecorder(GridBest, nearBand);
        var clock = new SlotClock(slots);
        var order = DeterministicRng.Derive(seed, "random-search").Permutation(_grid.Length);
        foreach (var genome in order.Take(evaluations).Select(i => _grid[i]))
            trace.AddTrained(fitness(genome), clock.Train(seconds(genome)));
        return trace.ToTrace();
    }

    /// <summary>Simulated trainer slots: each training goes to the slot that is free first.</summary>
    sealed class SlotClock(int slots)
    {
        readonly double[] _freeAt = new double[slots];

        /// <summary>When a training of <paramref name="seconds"/> started now on the first free slot ends.</summary>
        public double Train(double seconds)
        {
            var slot = Array.IndexOf(_freeAt, _freeAt.Min());
            return _freeAt[slot] += seconds;
        }

        /// <summary>Every slot waits for the last training (a generation's end).</summary>
        public void Barrier() => Array.Fill(_freeAt, _freeAt.Max());
    }

    sealed class TraceRecorder(double gridBest, double nearBand)
    {
        readonly List<double> _bestSoFar = [];
        int? _toBest, _toNear, _epochsToBest;
        double? _secondsToBest;

        public int Count => _bestSoFar.Count;

        /// <summary>Training epochs spent so far.</summary>
        public int Epochs { get; private set; }

        public void Spend(int epochs) => Epochs += epochs;

        /// <summary>A genome trained to its full budget: its whole learning curve is spent.</summary>
        public void AddTrained(FitnessResult result, double at)
        {
            Spend(result.Curve?.Count ?? 0);
            Add(result, at, Epochs);
        }

        /// <param name="at">When the training ended, in simulated seconds.</param>
        /// <param name="epochsAt">The epochs spent by then.</param>
        /// <param name="newGenome">False: a genome already counted trained further (a promotion).</param>
        public void Add(FitnessResult result, double at, int epochsAt, bool newGenome = true)
        {
            var score = result.Failed ? 0 : result.Accuracy;
            var best = Math.Max(score, _bestSoFar.Count > 0 ? _bestSoFar[^1] : 0);
            if (newGenome) _bestSoFar.Add(best);
            else _bestSoFar[^1] = best;
            if (score >= gridBest)
            {
                _toBest ??= _bestSoFar.Count;
                _secondsToBest ??= at;
                _epochsToBest ??= epochsAt;
            }
            if (score >= gridBest - nearBand) _toNear ??= _bestSoFar.Count;
        }

        public SearchTrace ToTrace() =>
            new(_bestSoFar.ToArray(), _toBest, _toNear, _secondsToBest, Epochs > 0 ? _epochsToBest : null, Epochs);
    }
}
