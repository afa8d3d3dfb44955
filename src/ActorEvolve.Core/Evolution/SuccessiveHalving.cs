using System.Text.Json.Serialization;
using ActorEvolve.Core.Fitness;
using ActorEvolve.Core.Genes;

namespace ActorEvolve.Core.Evolution;

/// <summary>Multi-fidelity training: the budgets a child is trained to, in epochs, ascending, the last the full
/// budget; of the children that reached a rung, the best 1/<paramref name="Reduction"/> go on to the next.</summary>
public sealed record RungSettings(IReadOnlyList<int> Epochs, int Reduction)
{
    [JsonIgnore]
    public int Count => Epochs.Count;

    /// <summary>Hyperband's geometric ladder for a budget of <paramref name="maxEpochs"/>: every max/η^k (rounded
    /// down) of at least one epoch, ascending (max 6, η 3: 2, 6; max 100: 1, 3, 11, 33, 100).</summary>
    public static RungSettings Auto(int maxEpochs, int reduction)
    {
        if (maxEpochs < 2)
            throw new ArgumentException($"rungs need a budget of at least 2 epochs (max-epochs is {maxEpochs})");
        if (reduction < 2) throw ReductionTooSmall(reduction);
        var epochs = new List<int>();
        for (long divisor = 1; maxEpochs / divisor >= 1; divisor *= reduction)
            epochs.Insert(0, (int)(maxEpochs / divisor));
        return new RungSettings(epochs, reduction);
    }

    /// <summary>Where a trial at <paramref name="rung"/> goes on from: the rung below's budget (0 at rung 0).
    /// </summary>
    public int EpochsBefore(int rung) => rung == 0 ? 0 : Epochs[rung - 1];

    /// <summary>The trial that trains <paramref name="genome"/> to <paramref name="rung"/>'s budget, from its
    /// checkpoint at the rung below, which <paramref name="fromTrainer"/> holds (from scratch at rung 0).</summary>
    public RungTrial Trial(Genome genome, int rung, string? fromTrainer = null) =>
        new(genome, rung, Epochs[rung], EpochsBefore(rung), fromTrainer);

    /// <summary>The rung whose budget is <paramref name="epochs"/>.</summary>
    public int RungOf(int epochs) => Enumerable.Range(0, Count).First(rung => Epochs[rung] == epochs);

    public RungSettings Validated()
    {
        if (Epochs.Count < 2)
            throw new ArgumentException("rungs need at least two budgets (e.g. [1, 3, 9]): one is full training");
        if (Epochs[0] < 1 || Epochs.Zip(Epochs.Skip(1)).Any(p => p.Second <= p.First))
            throw new ArgumentException($"rungs must be ascending epochs from 1 up ([{string.Join(", ", Epochs)}])");
        if (Reduction < 2) throw ReductionTooSmall(Reduction);
        return this;
    }

    static ArgumentException ReductionTooSmall(int reduction) =>
        new($"the reduction factor must be at least 2 (got {reduction})");

    public bool Equals(RungSettings? other) =>
        other is not null && Reduction == other.Reduction && Epochs.SequenceEqual(other.Epochs);

    public override int GetHashCode() => Epochs.Aggregate(Reduction, HashCode.Combine);

    /// <summary>As configured: "epochs [2, 6], reduction 3".</summary>
    public override string ToString() => $"epochs [{string.Join(", ", Epochs)}], reduction {Reduction}";
}

/// <summary>Train <paramref name="Genome"/> from <paramref name="FromEpochs"/> (its checkpoint at the rung below;
/// 0: from scratch) up to <paramref name="Epochs"/>, the budget of rung <paramref name="Rung"/>;
/// <paramref name="FromTrainer"/>: who measured the rung below (and so holds the checkpoint), null for rung 0.
/// </summary>
public sealed record RungTrial(Genome Genome, int Rung, int Epochs, int FromEpochs, string? FromTrainer = null);

/// <summary>
/// Successive halving over one generation's children, scheduled asynchronously as ASHA does (Li et al. 2020): a
/// free slot gets the best promotion available (a child in the top 1/η of those that reached its rung so far),
/// else the next child's first rung, and never waits for a rung to fill while either exists. The generation's
/// outcome does not depend on the order results arrive in: rung k + 1 finally holds the best max(1, ⌊n/η⌋) of the
/// n children that rung k finally holds, ranked by their rung-k scores (deterministic per genome). A child promoted
/// early that falls out of that set keeps its rung-k result; its extra training is the price of never idling.
/// A child whose training stopped before its rung's budget (early stopping, or a failure) is finished: more epochs
/// change nothing, so it counts as fully trained.
/// </summary>
public sealed class SuccessiveHalving
{
    readonly RungSettings _rungs;
    readonly IReadOnlyList<Genome> _children;
    readonly Dictionary<string, Dictionary<int, RungOutcome>> _outcomes = new(StringComparer.Ordinal);
    readonly HashSet<string> _running = new(StringComparer.Ordinal);
    int _started;

    /// <summary>A result at a rung; <paramref name="Stopped"/>: training ended before that rung's budget.</summary>
    sealed record RungOutcome(FitnessResult Result, bool Stopped);

    public SuccessiveHalving(IReadOnlyList<Genome> children, RungSettings rungs)
    {
        _rungs = rungs.Validated();
        _children = children.DistinctBy(g => g.Key).ToArray();
        foreach (var child in _children) _outcomes[child.Key] = [];
    }

    /// <summary>What a free slot trains next, or null when nothing can start until a running trial ends.</summary>
    public RungTrial? Next()
    {
        if (IsSettled) return null;
        for (var rung = _rungs.Count - 2; rung >= 0; rung--)
            if (Promotable(rung) is { } genome) return Start(genome, rung + 1);
        while (_started < _children.Count)
        {
            var child = _children[_started++];
            if (_outcomes[child.Key].Count == 0) return Start(child, 0); // else recorded before a resume
        }
        return null;
    }

    /// <summary>Records a trial's result; <paramref name="stopped"/>: the training ended before the rung's budget.
    /// A failed result is final too.</summary>
    public void Record(Genome genome, int rung, FitnessResult result, bool stopped)
    {
        _running.Remove(genome.Key);
        _outcomes[genome.Key][rung] = new RungOutcome(result, stopped || result.Failed);
    }

    /// <summary>Trials started and not yet recorded.</summary>
    public int Running => _running.Count;

    /// <summary>Every child's final rung and result are known. Trials still running then are moot (early promotions
    /// that fell out): cancel them.</summary>
    public bool IsSettled => Target(_rungs.Count - 1) is { } top && top.All(g => At(g, _rungs.Count - 1) is not null);

    /// <summary>Each child's result once settled: measured at the highest rung it finally belongs to, partial when
    /// that is below the top and its training had not stopped on its own.</summary>
    public IReadOnlyList<ScoredGenome> Results()
    {
        if (!IsSettled) throw new InvalidOperationException("the generation's rungs are not settled yet");
        var targets = Enumerable.Range(0, _rungs.Count)
            .Select(k => Target(k)!.Select(g => g.Key).ToHashSet(StringComparer.Ordinal)).ToArray();
        return _children.Select(child =>
        {
            var rung = Enumerable.Range(0, _rungs.Count).Last(k => targets[k].Contains(child.Key));
            var outcome = At(child, rung)!;
            var partial = rung < _rungs.Count - 1 && !outcome.Stopped;
            return new ScoredGenome(child, outcome.Result with { Rung = rung, Partial = partial });
        }).ToArray();
    }

    RungTrial Start(Genome genome, int rung)
    {
        _running.Add(genome.Key);
        return _rungs.Trial(genome, rung, rung == 0 ? null : At(genome, rung - 1)!.Result.Trainer);
    }

    /// <summary>A child's outcome at a rung: measured there, or final at a lower one (it stopped).</summary>
    RungOutcome? At(Genome genome, int rung)
    {
        var outcomes = _outcomes[genome.Key];
        if (outcomes.TryGetValue(rung, out var outcome)) return outcome;
        return outcomes.Where(o => o.Key < rung && o.Value.Stopped).Select(o => o.Value).FirstOrDefault();
    }

    IEnumerable<Genome> ByScoreAt(IEnumerable<Genome> genomes, int rung) =>
        genomes.OrderByDescending(g => At(g, rung)!.Result.Score).ThenBy(g => g.Key, StringComparer.Ordinal);

    /// <summary>The children rung <paramref name="rung"/> finally holds, or null while that is not known yet.
    /// </summary>
    IReadOnlyList<Genome>? Target(int rung)
    {
        if (rung == 0) return _children;
        var below = Target(rung - 1);
        if (below is null || below.Any(g => At(g, rung - 1) is null)) return null;
        return ByScoreAt(below, rung - 1).Take(Math.Max(1, below.Count / _rungs.Reduction)).ToArray();
    }

    /// <summary>The best child to promote from <paramref name="rung"/>: in the top 1/η of the children that reached
    /// it so far (ASHA), or in the next rung's final set; not stopped, not training, not measured above yet.
    /// </summary>
    Genome? Promotable(int rung)
    {
        var reached = _children.Where(g => At(g, rung) is not null).ToArray();
        var candidates = ByScoreAt(reached, rung).Take(reached.Length / _rungs.Reduction)
            .Concat(Target(rung + 1) ?? []);
        return candidates.FirstOrDefault(g => !_running.Contains(g.Key) && !At(g, rung)!.Stopped
                                              && At(g, rung + 1) is null);
    }
}
