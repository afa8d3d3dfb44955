using ActorEvolve.Core.Evolution;
using ActorEvolve.Core.Fitness;
using ActorEvolve.Engine.Protocol;
using ActorEvolve.Engine.Results;

namespace ActorEvolve.Cli.Console;

/// <summary>What the live view shows, updated by <see cref="ProgressActor"/> and read by the render loop.
/// Guarded by a lock: one writer (the actor), one reader (the renderer).</summary>
public sealed class ProgressModel(int generations, ObjectiveText? objective = null)
{
    public ObjectiveText Objective { get; } = objective ?? ObjectiveText.Default;

    public sealed record Slot(string Genome, int Epoch, double Accuracy, DateTime Started);

    readonly Lock _gate = new();
    readonly Dictionary<string, Slot> _slots = [];
    readonly List<GenerationSummary> _history = [];
    readonly Dictionary<string, int> _evaluationsByNode = [];
    readonly List<EvaluationRecorded> _evaluations = [];
    readonly List<RungTrained> _trials = [];
    IReadOnlyList<Core.Genes.Genome> _population = [];
    IReadOnlyList<int>? _ages;
    IReadOnlyList<(string Node, int Slots)> _nodes = [];
    IReadOnlyList<ScoredGenome> _front = [];

    public int Generations { get; } = generations;
    public int Generation { get; private set; }
    /// <summary>What the run's steps are called: generations, or a steady-state run's rounds.</summary>
    public string Step { get; private set; } = RunStep.Generation;
    /// <summary>The step's children: a generation's to train, a round's births.</summary>
    public int ToTrain { get; private set; }
    /// <summary>The step's children trained so far (a steady-state rung run's births, not its promotions).</summary>
    public int Done { get; private set; }
    public int Cached { get; private set; }
    public int Failed { get; private set; }
    /// <summary>Children trained in the whole run (a steady-state rung run's births; its trials:
    /// <see cref="TotalTrials"/>).</summary>
    public int TotalTrained { get; private set; }
    public ScoredGenome? Best { get; private set; }
    /// <summary>A two-objective run's Pareto front of every evaluation so far, most accurate (first objective)
    /// first; null for one objective.</summary>
    public IReadOnlyList<ScoredGenome>? Front => Objective.Objective.IsPareto ? _front : null;
    public string? Phase { get; private set; } = "starting";
    public DateTime Started { get; } = DateTime.UtcNow;
    /// <summary>Shown for the whole run: the cluster port is open to the network without TLS (--insecure).</summary>
    public string? Warning { get; init; }
    /// <summary>A rung run's rungs (<see cref="SuccessiveHalving"/>); null: every child is fully trained.</summary>
    public RungSettings? Rungs { get; init; }
    /// <summary>A steady-state run's length in births (its last round may hold fewer than the population); null:
    /// every round holds the population's.</summary>
    public int? Births { get; init; }

    public T Read<T>(Func<ProgressModel, T> read)
    {
        lock (_gate) return read(this);
    }

    public IReadOnlyList<(string Trainer, Slot Slot)> Slots =>
        _slots.OrderBy(s => s.Key).Select(s => (s.Key, s.Value)).ToArray();
    public IReadOnlyList<GenerationSummary> History => _history.ToArray();

    /// <summary>Every evaluation this process has seen (recovered ones included), in order.</summary>
    public IReadOnlyList<EvaluationRecorded> Evaluations => _evaluations.ToArray();

    public int EvaluationCount => _evaluations.Count;

    /// <summary>A steady-state run with rungs (ASHA): each result is a rung trial, a birth's first or a promotion.
    /// </summary>
    public bool SteadyRungs => Rungs is not null && Step == RunStep.Round;

    /// <summary>A steady-state rung run's rung trials so far (each recorded as a result).</summary>
    public int TotalTrials => _evaluations.Count(e => e.Result.Rung is not null);

    /// <summary>Whether a result is a child's own (a birth's first rung in a steady-state rung run), not a
    /// promotion's.</summary>
    bool IsChild(FitnessResult result) => !SteadyRungs || result.Rung is null or 0;

    /// <summary>What <see cref="Done"/> counts, after "5/8": "trained", a steady-state rung run's "births trained".
    /// </summary>
    public string DoneWord => SteadyRungs ? "births trained" : "trained";

    /// <summary>The whole run so far: "43 trainings in all", a steady-state rung run's "24 births trained, 36 rung
    /// trials in all".</summary>
    public string InAll => SteadyRungs ? $"{TotalTrained} births trained, {TotalTrials} rung trials in all"
        : $"{TotalTrained} trainings in all";

    /// <summary>What the trainer nodes table counts per node: results, or in a rung run its rung trials.</summary>
    public string NodeCountHeader => Rungs is null ? "Evaluations" : "Rung trials";

    /// <summary>The evaluations after the first <paramref name="index"/>: what a follower that has those
    /// lacks.</summary>
    public IReadOnlyList<EvaluationRecorded> EvaluationsFrom(int index) =>
        _evaluations.GetRange(index, _evaluations.Count - index);

    /// <summary>The current generation's genomes, with their fitness where known and, in a steady-state round,
    /// their age in births.</summary>
    public IReadOnlyList<(Core.Genes.Genome Genome, FitnessResult? Fitness, int? Age)> Population
    {
        get
        {
            var known = _evaluations.GroupBy(e => e.Genome.Key).ToDictionary(g => g.Key, g => g.Last().Result);
            return _population.Select((g, i) => (g, known.GetValueOrDefault(g.Key), _ages?[i])).ToArray();
        }
    }

    /// <summary>A rung run's current generation, per rung: the children whose trial at that rung came back so far,
    /// and how many the rung finally holds (the best 1/reduction of the rung below, at least one).</summary>
    public IReadOnlyList<(int Epochs, int Back, int Final)> RungsNow
    {
        get
        {
            if (Rungs is not { } rungs) return [];
            var final = ToTrain;
            return rungs.Epochs.Select((epochs, rung) =>
            {
                if (rung > 0) final = Math.Max(1, final / rungs.Reduction);
                return (epochs, _trials.Where(t => t.Rung == rung).DistinctBy(t => t.Genome.Key).Count(), final);
            }).ToArray();
        }
    }

    /// <summary>How much of the current generation is done; null when it has nothing to train. A rung run's
    /// results all arrive once its rungs settle, so its share is the rung trials back of those it will take; a
    /// steady-state rung run's round is its births (promotions go on all run long).</summary>
    public double? GenerationShare
    {
        get
        {
            if (ToTrain == 0) return null;
            if (Rungs is null || SteadyRungs) return Math.Min(1, (double)Done / ToTrain);
            var rungs = RungsNow;
            return Math.Min(1, (double)rungs.Sum(r => r.Back) / rungs.Sum(r => r.Final));
        }
    }

    /// <summary>Epochs the current generation's rung trials that came back have trained.</summary>
    public int EpochsTrainedNow => _trials.Sum(t => t.EpochsTrained);

    /// <summary>A rung run's finished generations, each with its tally, and the tally over every child so far.
    /// </summary>
    public (IReadOnlyList<(int Generation, RungTally Tally)> Generations, RungTally? Total) RungTallies
    {
        get
        {
            if (Rungs is not { } rungs) return ([], null);
            var generations = _history.Select(h => (h.Generation, Tally: RungTally.Of(rungs,
                    _evaluations.Where(e => e.Generation == h.Generation).Select(e => (e.Genome.Key, e.Result)))))
                .Where(g => g.Tally is not null).Select(g => (g.Generation, g.Tally!)).ToArray();
            return (generations, RungTally.Of(rungs, _evaluations.Select(e => (e.Genome.Key, e.Result))));
        }
    }

    /// <summary>A steady-state population's youngest, median and oldest age in births; null for a generation.
    /// </summary>
    public PopulationAge? Ages => PopulationAge.Of(_ages);

    /// <summary>Each trainer node: its slots, how many are training now, evaluations (in a rung run, rung trials)
    /// it has finished in this process.</summary>
    public IReadOnlyList<(string Node, int Slots, int Busy, int Evaluations)> Nodes => _nodes
        .Select(n => (n.Node, n.Slots, _slots.Keys.Count(t => NodeOf(t) == n.Node),
            _evaluationsByNode.GetValueOrDefault(n.Node)))
        .ToArray();

    /// <summary>Trainers are named "host:port/slot".</summary>
    static string NodeOf(string trainer) => trainer.Contains('/') ? trainer[..trainer.LastIndexOf('/')] : trainer;

    public void Apply(TrainerNodesChanged e)
    {
        lock (_gate) _nodes = e.Nodes;
    }

    public void Apply(RunEvent e)
    {
        lock (_gate)
        {
            switch (e)
            {
                case RunResumed r:
                    Step = r.Step;
                    TotalTrained = r.Facts.Count(f => IsChild(f.Result));
                    _evaluations.AddRange(
                        r.Facts.Select(f => new EvaluationRecorded(f.Generation, f.Genome, f.Result)));
                    foreach (var fact in r.Facts) Consider(fact.Genome, fact.Result);
                    _history.AddRange(r.History);
                    _trials.AddRange(r.Trials ?? []);
                    break;
                case GenerationStarted g:
                    var toTrain = g.Step == RunStep.Round && Births is { } births
                        ? Math.Clamp(births - g.Generation * g.ToTrain, 0, g.ToTrain) : g.ToTrain;
                    (Generation, ToTrain, Done, Cached, Failed, Phase) =
                        (g.Generation, toTrain, 0, g.Cached, 0, "evolving");
                    Step = g.Step;
                    _population = g.Population;
                    _ages = g.Ages;
                    _trials.RemoveAll(t => t.Generation != g.Generation); // a resumed generation keeps its own
                    break;
                case RungTrained t:
                    _trials.Add(t);
                    CountOnNode(t.Result.Trainer);
                    // Not when the slot already trains the genome's next rung (its progress shows a later epoch).
                    if (_slots.TryGetValue(t.Result.Trainer, out var trial) && trial.Genome == t.Genome.Key
                        && trial.Epoch <= t.Epochs)
                        _slots.Remove(t.Result.Trainer);
                    break;
                case EvaluationRecorded r:
                    _evaluations.Add(r);
                    if (IsChild(r.Result)) (Done, TotalTrained) = (Done + 1, TotalTrained + 1);
                    if (r.Result.Failed) Failed++;
                    // The slot may already report its next genome (progress travels a shorter path than results).
                    if (_slots.TryGetValue(r.Result.Trainer, out var slot) && slot.Genome == r.Genome.Key)
                        _slots.Remove(r.Result.Trainer);
                    Consider(r.Genome, r.Result);
                    if (Rungs is null) CountOnNode(r.Result.Trainer);
                    break;
                case GenerationCompleted c:
                    _history.Add(c.Summary);
                    break;
                case FinalEvaluationStarted:
                    Phase = "retraining the winner on all training data";
                    _slots.Clear();
                    break;
                case RunCompleted:
                    Phase = "done";
                    _slots.Clear();
                    break;
            }
        }
    }

    void CountOnNode(string trainer)
    {
        var node = NodeOf(trainer);
        _evaluationsByNode[node] = _evaluationsByNode.GetValueOrDefault(node) + 1;
    }

    /// <summary>Keeps the best so far, ranked as selection ranks (<see cref="Evolver.Rank(IEnumerable{ScoredGenome})"/>
    /// ): a genome stopped at a rung below every fully trained one; among equals the first found stays. A
    /// two-objective run's front of every result is the front of the last front and the new result.</summary>
    void Consider(Core.Genes.Genome genome, FitnessResult result)
    {
        static int Trained(FitnessResult r) => r.Partial ? r.Rung ?? 0 : int.MaxValue;
        if (Best is not { Fitness: var best } || (Trained(result) != Trained(best)
                ? Trained(result) > Trained(best) : result.Score > best.Score))
            Best = new ScoredGenome(genome, result);
        if (Objective.Objective.IsPareto)
            _front = Pareto.Front([.. _front, new ScoredGenome(genome, result)], Objective.Objective);
    }

    public void Apply(TrainingProgress p)
    {
        lock (_gate)
        {
            var started = _slots.TryGetValue(p.Trainer, out var s) && s.Genome == p.GenomeKey
                ? s.Started
                : DateTime.UtcNow;
            _slots[p.Trainer] = new Slot(p.GenomeKey, p.Epoch, p.ValidationAccuracy, started);
        }
    }

    /// <summary>Rough time left: evaluations per second so far, over the evaluations a full run still needs.</summary>
    public TimeSpan? Eta()
    {
        var elapsed = DateTime.UtcNow - Started;
        if (TotalTrained == 0 || Generation == 0) return null;
        var perGeneration = elapsed / (Generation + (GenerationShare ?? 1));
        return perGeneration * (Generations - Generation - (GenerationShare ?? 1));
    }
}
