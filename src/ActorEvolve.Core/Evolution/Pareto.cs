using ActorEvolve.Core.Fitness;

namespace ActorEvolve.Core.Evolution;

/// <summary>
/// NSGA-II's selection order for two objectives (Deb et al. 2002): genomes by non-dominated front, then by
/// crowding distance within their front (lonelier first), so that truncating the order keeps the best fronts and,
/// of the last one kept, the members that spread it widest. The GA's usual operators then work unchanged on this
/// order: retaining its top share is NSGA-II's survivor selection, a tournament on it is the crowded-comparison
/// tournament. No randomness: equal genomes are ordered by their first objective, then by key.
/// </summary>
public static class Pareto
{
    /// <summary>Whether <paramref name="a"/> is at least as good as <paramref name="b"/> in both objectives and
    /// better in one (higher is better).</summary>
    public static bool Dominates(double[] a, double[] b) =>
        a[0] >= b[0] && a[1] >= b[1] && (a[0] > b[0] || a[1] > b[1]);

    /// <summary>The non-dominated fronts of two-objective <paramref name="points"/> (higher is better), as indexes
    /// in ascending order: front 0 holds the points nothing dominates, front k those that only points of earlier
    /// fronts dominate. Sweeps the points from the best first objective down, in O(n × fronts): a point is dominated
    /// by a front exactly when that front's last member so far dominates it (Jensen 2003).</summary>
    public static IReadOnlyList<IReadOnlyList<int>> Fronts(IReadOnlyList<double[]> points)
    {
        var sweep = Enumerable.Range(0, points.Count)
            .OrderByDescending(i => points[i][0]).ThenByDescending(i => points[i][1]).ThenBy(i => i);
        var fronts = new List<List<int>>();
        foreach (var i in sweep)
        {
            var front = fronts.FindIndex(f => !Dominates(points[f[^1]], points[i]));
            if (front < 0) fronts.Add([i]);
            else fronts[front].Add(i);
        }
        return fronts.Select(f => (IReadOnlyList<int>)f.Order().ToArray()).ToArray();
    }

    /// <summary>Each member's crowding distance within its <paramref name="front"/> (in the front's order): for
    /// each objective, the gap between its two neighbours divided by the front's range; a front's extremes are
    /// infinitely far from the rest, so they are always kept.</summary>
    public static double[] Crowding(IReadOnlyList<double[]> points, IReadOnlyList<int> front)
    {
        var distance = new double[front.Count];
        for (var objective = 0; objective < 2; objective++)
        {
            var sorted = Enumerable.Range(0, front.Count).OrderBy(k => points[front[k]][objective])
                .ThenBy(k => front[k]).ToArray();
            double Value(int position) => points[front[sorted[position]]][objective];
            var range = Value(sorted.Length - 1) - Value(0);
            distance[sorted[0]] = distance[sorted[^1]] = double.PositiveInfinity;
            for (var position = 1; position < sorted.Length - 1 && range > 0; position++)
                distance[sorted[position]] += (Value(position + 1) - Value(position - 1)) / range;
        }
        return distance;
    }

    /// <summary>NSGA-II's order of <paramref name="scored"/> for a two-objective <paramref name="objective"/>:
    /// front, then crowding distance (largest first), then the first objective (best first), then key; failed
    /// genomes last, by key. Independent of the order genomes come in.</summary>
    public static IReadOnlyList<ScoredGenome> Rank(IEnumerable<ScoredGenome> scored, Objective objective)
    {
        var byKey = scored.OrderBy(s => s.Genome.Key, StringComparer.Ordinal).ToArray();
        var measured = byKey.Where(s => !s.Fitness.Failed).ToArray();
        var points = measured.Select(s => objective.Oriented(s.Fitness)).ToArray();
        var order = new List<ScoredGenome>(byKey.Length);
        foreach (var front in Fronts(points))
        {
            var crowding = Crowding(points, front);
            order.AddRange(Enumerable.Range(0, front.Count).OrderByDescending(k => crowding[k])
                .ThenByDescending(k => points[front[k]][0]).ThenBy(k => front[k]).Select(k => measured[front[k]]));
        }
        order.AddRange(byKey.Where(s => s.Fitness.Failed));
        return order;
    }

    /// <summary>The Pareto front of <paramref name="scored"/>: the distinct successful genomes no other dominates,
    /// best first objective first (ties by key). Empty when every genome failed.</summary>
    public static IReadOnlyList<ScoredGenome> Front(IEnumerable<ScoredGenome> scored, Objective objective)
    {
        var measured = scored.Where(s => !s.Fitness.Failed).DistinctBy(s => s.Genome.Key)
            .OrderBy(s => s.Genome.Key, StringComparer.Ordinal).ToArray();
        var points = measured.Select(s => objective.Oriented(s.Fitness)).ToArray();
        return measured.Length == 0 ? [] : Fronts(points)[0].Select(i => measured[i])
            .OrderByDescending(s => s.Fitness.Score).ThenBy(s => s.Genome.Key, StringComparer.Ordinal).ToArray();
    }

    /// <summary>At most <paramref name="count"/> members of a <paramref name="front"/> (in its order), evenly spread
    /// along it: both ends, and members at equal steps between them.</summary>
    public static IReadOnlyList<ScoredGenome> Spread(IReadOnlyList<ScoredGenome> front, int count) =>
        front.Count <= count ? front
            : Enumerable.Range(0, count).Select(i => (int)Math.Round(i * (front.Count - 1) / (double)(count - 1)))
                .Distinct().Select(i => front[i]).ToArray();
}
