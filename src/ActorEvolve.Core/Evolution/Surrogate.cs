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
    readonly (int[] Levels, double Score)[] _measured;
    readonly double[][] _goodDensity = [], _restDensity = [];

    Surrogate(SearchSpace space, Guidance kind, IEnumerable<ScoredGenome> measured, Objective objective)
    {
        _space = space;
        _kind = kind;
        var scored = measured.OrderBy(s => s.Genome.Key, StringComparer.Ordinal).ToArray();
        var score = ModelScore(scored, objective);
        // A failed genome teaches that its region is bad: it counts as the worst measured score.
        var worst = scored.Where(s => !s.Fitness.Failed).Select(score).DefaultIfEmpty(0).Min();
        _measured = scored.Select(s => (Levels(s.Genome), s.Fitness.Failed ? worst : score(s))).ToArray();
        if (kind != Guidance.Tpe) return;
        var ranked = Enumerable.Range(0, _measured.Length).OrderByDescending(i => _measured[i].Score).ToArray();
        var good = Math.Clamp((int)Math.Ceiling(GoodShare * ranked.Length), MinGood, MaxGood);
        good = Math.Min(good, ranked.Length / 2);
        _goodDensity = Densities(ranked.Take(good));
        _restDensity = Densities(ranked.Skip(good));
    }

    /// <summary>The model of <paramref name="measured"/>, or null when there is too little to fit (fewer than
    /// two genomes) or guidance is off.</summary>
    public static Surrogate? Fit(SearchSpace space, Guidance kind, IReadOnlyCollection<ScoredGenome> measured,
        Objective? objective = null) => kind == Guidance.Off || measured.Count < 2 ? null
        : new Surrogate(space, kind, measured, objective ?? Objective.Default);

    /// <summary>What the model learns of a genome: its score, or with two objectives its place in the Pareto
    /// ranking (non-dominated fronts, then crowding) from 1 for the first to 0 for the last, the way Optuna's
    /// multi-objective TPE tells the good from the rest by non-domination.</summary>
    static Func<ScoredGenome, double> ModelScore(IReadOnlyList<ScoredGenome> scored, Objective objective)
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
        var levels = Levels(genome);
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

    /// <summary>Per gene, the share of <paramref name="members"/> at each level, with one pseudo-count per level so
    /// an unseen value keeps a chance (the prior of TPE).</summary>
    double[][] Densities(IEnumerable<int> members)
    {
        var chosen = members.ToArray();
        return _space.Genes.Select((gene, i) =>
        {
            var counts = Enumerable.Repeat(1.0, LevelCount(gene)).ToArray();
            foreach (var m in chosen) counts[_measured[m].Levels[i]]++;
            var total = counts.Sum();
            return counts.Select(c => c / total).ToArray();
        }).ToArray();
    }

    static int LevelCount(GeneSpec gene) => gene.Cardinality ?? FloatBins;

    int[] Levels(Genome genome) => _space.Genes.Select(gene => Level(gene, genome.Get(gene.Name))).ToArray();

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
