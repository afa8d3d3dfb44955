using ActorEvolve.Core.Evolution;
using ActorEvolve.Core.Fitness;
using ActorEvolve.Core.Genes;
using ActorEvolve.Core.Randomness;
using ActorEvolve.Training.Tables;

namespace ActorEvolve.Cli.Bench;

/// <summary>One search on a recorded grid: the best fitness after each unique evaluation, and when it first
/// reached the grid's best genome and the near-best band.</summary>
public sealed record SearchTrace(IReadOnlyList<double> BestSoFar, int? EvaluationsToBest, int? EvaluationsToNear)
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
        return new FindingStats(Percentile(0.5), Percentile(0.1), Percentile(0.9), evaluations.Count(e => e is null) / (double)evaluations.Count);
    }
}

/// <summary>
/// Replays searches against a recorded grid (<c>bench replay</c>): the GA exactly as a run would drive it (the same
/// <see cref="SearchState"/>, so cached duplicates cost nothing), and random search without replacement given the
/// same number of unique evaluations, once per seed. Pure and fast: the grid's fitness is a lookup.
/// </summary>
public sealed class ReplayBench(SearchSpace space, Func<Genome, FitnessResult> fitness, double nearBand)
{
    readonly Genome[] _grid = space.Enumerate().ToArray();

    /// <summary>The grid's best fitness: the target every search is measured against.</summary>
    public double GridBest { get; } = space.Enumerate().Select(fitness).Where(r => !r.Failed).Max(r => r.Accuracy);

    public int GridSize => _grid.Length;

    public SearchTrace Evolve(GaSettings ga, long seed)
    {
        var trace = new TraceRecorder(GridBest, nearBand);
        var state = new SearchState(space, ga, seed);
        while (true)
        {
            foreach (var genome in state.PendingEvaluations)
            {
                var result = fitness(genome);
                state.RecordFitness(genome, result);
                trace.Add(result);
            }
            state.CompleteGeneration();
            if (state.IsFinished) return trace.ToTrace();
        }
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
        while (!state.IsFinished)
        {
            while (training.Count < slots && state.CanBreed)
            {
                var child = state.Breed();
                if (child.Evaluate) training.Enqueue(child.Genome, (now + seconds(child.Genome), child.Birth));
            }
            training.TryDequeue(out var done, out var finished);
            now = finished.Finish;
            var result = fitness(done!);
            state.RecordResult(done!, result);
            trace.Add(result);
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

    public SearchTrace RandomSearch(int evaluations, long seed)
    {
        var trace = new TraceRecorder(GridBest, nearBand);
        var order = DeterministicRng.Derive(seed, "random-search").Permutation(_grid.Length);
        foreach (var index in order.Take(evaluations)) trace.Add(fitness(_grid[index]));
        return trace.ToTrace();
    }

    sealed class TraceRecorder(double gridBest, double nearBand)
    {
        readonly List<double> _bestSoFar = [];
        int? _toBest, _toNear;

        public void Add(FitnessResult result)
        {
            var score = result.Failed ? 0 : result.Accuracy;
            _bestSoFar.Add(Math.Max(score, _bestSoFar.Count > 0 ? _bestSoFar[^1] : 0));
            if (score >= gridBest) _toBest ??= _bestSoFar.Count;
            if (score >= gridBest - nearBand) _toNear ??= _bestSoFar.Count;
        }

        public SearchTrace ToTrace() => new(_bestSoFar.ToArray(), _toBest, _toNear);
    }
}
