using ActorEvolve.Core.Fitness;
using ActorEvolve.Core.Genes;

namespace ActorEvolve.Core.Evolution;

/// <summary>
/// Asynchronous successive halving (ASHA, Li et al. 2020) over an open-ended stream of genomes: the rungs of a
/// steady-state run. Genomes enter at rung 0 as they are born; a genome goes on from rung k once it is in the top
/// ⌊n_k/η⌋ of the n_k genomes that reached rung k so far, by rung-k score (ties by key). A genome whose training
/// stopped before its rung's budget (early stopping, or a failure) is finished: more epochs change nothing, so it
/// counts as having reached every rung above with that result, and is never promoted. Pure: what it is told, in
/// order, is its state.
/// </summary>
public sealed class AsyncHalving(RungSettings rungs)
{
    /// <summary>A result at a rung; <paramref name="Stopped"/>: training ended before that rung's budget.</summary>
    sealed record Outcome(FitnessResult Result, bool Stopped);

    /// <summary>By genome key: its results at rung 0, 1, … as measured.</summary>
    readonly Dictionary<string, List<Outcome>> _outcomes = new(StringComparer.Ordinal);
    /// <summary>Per rung: the genomes that reached it, best rung score first (ties by key).</summary>
    readonly List<ScoredGenome>[] _reached = Enumerable.Range(0, rungs.Count).Select(_ => new List<ScoredGenome>())
        .ToArray();
    /// <summary>Promotions started and not yet back, by genome key, in the order they started.</summary>
    readonly Dictionary<string, RungTrial> _promoting = new(StringComparer.Ordinal);

    static readonly IComparer<ScoredGenome> BestFirst = Comparer<ScoredGenome>.Create((a, b) =>
        a.Fitness.Score != b.Fitness.Score ? b.Fitness.Score.CompareTo(a.Fitness.Score)
            : string.CompareOrdinal(a.Genome.Key, b.Genome.Key));

    public RungSettings Rungs { get; } = rungs.Validated();

    /// <summary>Promotions started and not yet back, in the order they started.</summary>
    public IReadOnlyCollection<RungTrial> Promoting => _promoting.Values;

    /// <summary>How many genomes reached each rung so far (a stopped genome counts at every rung above its own).
    /// </summary>
    public IReadOnlyList<int> Reached => _reached.Select(r => r.Count).ToArray();

    /// <summary>A new genome's first rung, from scratch.</summary>
    public RungTrial FirstRung(Genome genome) => Rungs.Trial(genome, 0);

    /// <summary>The best promotion available now, or null: for rung k from the top down, the best genome in the top
    /// ⌊n_k/η⌋ of rung k that did not stop, is not training and was not measured at rung k + 1 yet.</summary>
    public RungTrial? Promotion()
    {
        for (var rung = Rungs.Count - 2; rung >= 0; rung--)
        {
            var reached = _reached[rung];
            for (var i = 0; i < reached.Count / Rungs.Reduction; i++)
            {
                var genome = reached[i].Genome;
                var outcomes = _outcomes[genome.Key];
                if (outcomes.Count == rung + 1 && !outcomes[rung].Stopped && !_promoting.ContainsKey(genome.Key))
                    return Rungs.Trial(genome, rung + 1, outcomes[rung].Result.Trainer);
            }
        }
        return null;
    }

    /// <summary>Marks a promotion (from <see cref="Promotion"/>) as training.</summary>
    public void Start(RungTrial promotion) => _promoting.Add(promotion.Genome.Key, promotion);

    /// <summary>The rungs a genome was measured at so far (0: none yet).</summary>
    public int Measured(string genomeKey) => _outcomes.TryGetValue(genomeKey, out var o) ? o.Count : 0;

    /// <summary>Records a genome's result at <paramref name="rung"/>: its first rung, or the promotion it was
    /// started on. Returns the result as a rung run keeps it: measured at that rung, partial when the genome may
    /// still go further (below the top rung, not stopped), with the epochs this trial trained (as the fitness says,
    /// else from the rung below).</summary>
    public FitnessResult Record(Genome genome, int rung, FitnessResult result)
    {
        var key = genome.Key;
        if (Measured(key) != rung || (rung > 0 && !(_promoting.Remove(key, out var trial) && trial.Rung == rung)))
            throw new InvalidOperationException($"{key} is not training rung {rung}");
        var stopped = result.StoppedBefore(Rungs.Epochs[rung]);
        var kept = result with
        {
            Rung = rung, Partial = rung < Rungs.Count - 1 && !stopped,
            EpochsTrained = result.EpochsSince(Rungs.EpochsBefore(rung)),
        };
        if (rung == 0) _outcomes[key] = [];
        _outcomes[key].Add(new Outcome(kept, stopped));
        var scored = new ScoredGenome(genome, kept);
        for (var above = rung; above < (stopped ? Rungs.Count : rung + 1); above++)
        {
            var reached = _reached[above];
            var at = reached.BinarySearch(scored, BestFirst);
            reached.Insert(at < 0 ? ~at : at, scored);
        }
        return kept;
    }
}
