using System.Globalization;
using ActorEvolve.Core.Fitness;
using ActorEvolve.Core.Genes;

namespace ActorEvolve.Core.Evolution;

/// <summary>Which model of the landscape chooses among candidate children (model-guided breeding).</summary>
public enum Guidance
{
    /// <summary>No model: children are sent as bred (the seed).</summary>
    Off,
    /// <summary>k nearest measured genomes over gene distance, weighted by closeness.</summary>
    Knn,
    /// <summary>A TPE-style density ratio: how much likelier each gene value is among the best measured genomes
    /// than among the rest (genes taken as independent, as Optuna's default TPE does).</summary>
    Tpe,
}

/// <summary>
/// A cheap model fitted to every genome measured so far in a run; it only ranks candidates, fitness stays the
/// measured one. Fitted from the measured genomes sorted by key, so the same facts give the same model whatever
/// order they arrived in (a resumed run rebuilds it exactly). Float genes are cut into <see cref="FloatBins"/>
/// equal bins (on the log scale for log genes) so every gene is a small set of ordered levels.
/// </summary>
public sealed class Surrogate
{
    const int FloatBins = 10;
    /// <summary>Neighbours of the kNN model: enough to smooth the validation noise of one network.</summary>
    const int Neighbours = 5;
    /// <summary>Share of the measured genomes TPE calls good, and the floor and cap on their number.</summary>
    const double GoodShare = 0.15;
    const int MinGood = 3, MaxGood = 25;

    readonly SearchSpace _space;
    readonly Guidance _kind;
    /// <summary>kNN's: every measured genome's levels and score, in key order.</summary>
    readonly (int[] Levels, double Score)[] _measured = [];
    readonly double[][] _goodDensity = [], _restDensity = [];

    Surrogate(Guidance kind, Measurements measured, Objective objective)
    {
        _space = measured.Space;
        _kind = kind;
        var entries = measured.InKeyOrder;
        var score = ModelScore(entries.Select(e => e.Scored), objective);
        // A failed genome teaches that its region is bad: it counts as the worst measured score.
        var worst = entries.Where(e => !e.Scored.Fitness.Failed).Select(e => score(e.Scored)).DefaultIfEmpty(0).Min();
        double Score(ScoredGenome s) => s.Fitness.Failed ? worst : score(s);
        if (kind != Guidance.Tpe)
        {
            _measured = entries.Select(e => (e.Levels, Score(e.Scored))).ToArray();
            return;
        }
        var good = Math.Clamp((int)Math.Ceiling(GoodShare * entries.Count), MinGood, MaxGood);
        var best = Best(entries, Math.Min(good, entries.Count / 2), Score);
        var goodCounts = Measurements.CountLevels(measured.Space, best.Select(e => e.Levels));
        _goodDensity = Densities(goodCounts);
        _restDensity = Densities(measured.LevelCounts.Select((all, gene) =>
            all.Select((count, level) => count - goodCounts[gene][level]).ToArray()).ToArray());
    }

    /// <summary>The model of <paramref name="measured"/>, or null when there is too little to fit (fewer than
    /// two genomes) or guidance is off.</summary>
    public static Surrogate? Fit(SearchSpace space, Guidance kind, IReadOnlyCollection<ScoredGenome> measured,
        Objective? objective = null) => Fit(kind, new Measurements(space, measured), objective);

    /// <summary>The model of the genomes <paramref name="measured"/> holds (as <see cref="Fit(SearchSpace, Guidance,
    /// IReadOnlyCollection{ScoredGenome}, Objective?)"/>), without sorting or reading them again.</summary>
    public static Surrogate? Fit(Guidance kind, Measurements measured, Objective? objective = null) =>
        kind == Guidance.Off || measured.Count < 2 ? null
            : new Surrogate(kind, measured, objective ?? Objective.Default);

    /// <summary>The <paramref name="count"/> best entries by score, best first, ties in key order: a stable sort's
    /// first <paramref name="count"/>, in one pass.</summary>
    static List<Measurements.Entry> Best(IList<Measurements.Entry> entries, int count,
        Func<ScoredGenome, double> score)
    {
        var best = new List<(Measurements.Entry Entry, double Score)>(count + 1);
        foreach (var entry in entries)
        {
            var value = score(entry.Scored);
            if (best.Count == count && value.CompareTo(best[^1].Score) <= 0) continue;
            var at = best.Count;
            while (at > 0 && value.CompareTo(best[at - 1].Score) > 0) at--;
            best.Insert(at, (entry, value));
            if (best.Count > count) best.RemoveAt(count);
        }
        return best.Select(b => b.Entry).ToList();
    }

    /// <summary>What the model learns of a genome: its score, or with two objectives its place in the Pareto
    /// ranking (non-dominated fronts, then crowding) from 1 for the first to 0 for the last, the way Optuna's
    /// multi-objective TPE tells the good from the rest by non-domination.</summary>
    static Func<ScoredGenome, double> ModelScore(IEnumerable<ScoredGenome> scored, Objective objective)
    {
        if (!objective.IsPareto) return s => s.Fitness.Score;
        var ranked = Pareto.Rank(scored, objective);
        var last = Math.Max(1, ranked.Count - 1);
        var place = ranked.Select((s, i) => (s.Genome.Key, Place: 1 - i / (double)last))
            .ToDictionary(p => p.Key, p => p.Place, StringComparer.Ordinal);
        return s => place[s.Genome.Key];
    }

    /// <summary>Higher is more promising (the expected score for kNN, the log density ratio for TPE).</summary>
    public double Predict(Genome genome)
    {
        var levels = Levels(_space, genome);
        return _kind == Guidance.Tpe ? DensityRatio(levels) : NeighbourMean(levels);
    }

    double NeighbourMean(int[] levels)
    {
        var nearest = _measured.Select(m => (Distance: Distance(levels, m.Levels), m.Score))
            .OrderBy(m => m.Distance).Take(Neighbours).ToArray();
        var weights = nearest.Select(m => 1 / (1 + m.Distance)).ToArray();
        return nearest.Select((m, i) => weights[i] * m.Score).Sum() / weights.Sum();
    }

    /// <summary>Per gene, 0 for the same level and up to 1: ordered genes (integers, float bins) by how far apart
    /// the levels are, choices by whether they differ.</summary>
    double Distance(int[] a, int[] b) => _space.Genes.Select((gene, i) => gene is ChoiceGene
        ? (a[i] == b[i] ? 0 : 1)
        : Math.Abs(a[i] - b[i]) / (double)Math.Max(1, LevelCount(gene) - 1)).Sum();

    double DensityRatio(int[] levels) =>
        levels.Select((level, i) => Math.Log(_goodDensity[i][level] / _restDensity[i][level])).Sum();

    /// <summary>Per gene, the share of genomes at each level from their <paramref name="counts"/>, with one
    /// pseudo-count per level so an unseen value keeps a chance (the prior of TPE).</summary>
    static double[][] Densities(int[][] counts) => counts.Select(perLevel =>
    {
        var smoothed = perLevel.Select(count => 1.0 + count).ToArray();
        var total = smoothed.Sum();
        return smoothed.Select(c => c / total).ToArray();
    }).ToArray();

    internal static int LevelCount(GeneSpec gene) => gene.Cardinality ?? FloatBins;

    internal static int[] Levels(SearchSpace space, Genome genome) =>
        space.Genes.Select(gene => Level(gene, genome.Get(gene.Name))).ToArray();

    static int Level(GeneSpec gene, string value)
    {
        switch (gene)
        {
            case ChoiceGene choice: return choice.Values.ToList().IndexOf(value);
            case IntRangeGene range: return int.Parse(value, CultureInfo.InvariantCulture) - range.Min;
            case FloatRangeGene range:
                var v = double.Parse(value, CultureInfo.InvariantCulture);
                var share = range.Log
                    ? Math.Log(v / range.Min) / Math.Log(range.Max / range.Min)
                    : (v - range.Min) / (range.Max - range.Min);
                return Math.Clamp((int)(share * FloatBins), 0, FloatBins - 1);
            default: throw new ArgumentException($"gene '{gene.Name}' has a kind the surrogate does not know");
        }
    }
}

/// <summary>
/// Every genome measured so far in a run, kept as <see cref="Surrogate"/> reads them: in key order, each with its
/// levels, and per gene how many genomes are at each level. A steady-state run fits a model for every child; kept
/// this way, a fit is a pass over the genomes instead of sorting them by key and reading every gene again (at
/// 400 slots that was most of the coordinator's breeding).
/// </summary>
public sealed class Measurements
{
    public sealed record Entry(int[] Levels, ScoredGenome Scored);

    readonly SortedList<string, Entry> _byKey = new(StringComparer.Ordinal);

    public Measurements(SearchSpace space, IEnumerable<ScoredGenome>? measured = null)
    {
        Space = space;
        LevelCounts = CountLevels(space, []);
        foreach (var scored in measured ?? []) Set(scored);
    }

    /// <summary>Per gene, how many of the genomes with these <paramref name="levels"/> are at each level.</summary>
    public static int[][] CountLevels(SearchSpace space, IEnumerable<int[]> levels)
    {
        var counts = space.Genes.Select(gene => new int[Surrogate.LevelCount(gene)]).ToArray();
        foreach (var genome in levels) AddLevels(counts, genome);
        return counts;
    }

    /// <summary>Counts one genome's <paramref name="levels"/>, a level per gene.</summary>
    static void AddLevels(int[][] counts, int[] levels)
    {
        for (var gene = 0; gene < levels.Length; gene++) counts[gene][levels[gene]]++;
    }

    public SearchSpace Space { get; }

    public int Count => _byKey.Count;

    /// <summary>The genomes in key order (ordinal).</summary>
    public IList<Entry> InKeyOrder => _byKey.Values;

    /// <summary>Per gene, how many of the genomes are at each level.</summary>
    public int[][] LevelCounts { get; }

    public bool Contains(string genomeKey) => _byKey.ContainsKey(genomeKey);

    /// <summary>Adds a genome's result, or replaces the one it had (a promotion's).</summary>
    public void Set(ScoredGenome scored)
    {
        var key = scored.Genome.Key;
        if (_byKey.TryGetValue(key, out var entry))
        {
            _byKey[key] = entry with { Scored = scored };
            return;
        }
        var levels = Surrogate.Levels(Space, scored.Genome);
        AddLevels(LevelCounts, levels);
        _byKey.Add(key, new Entry(levels, scored));
    }
}
