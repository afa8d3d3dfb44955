using ActorEvolve.Core.Fitness;
using ActorEvolve.Core.Genes;
using ActorEvolve.Core.Randomness;

namespace ActorEvolve.Core.Evolution;

/// <summary>The seed's evolve(): keep the top <c>retain</c> share, let some losers survive for diversity, fill the
/// rest with uniform-crossover children of random surviving pairs, each child mutated with some chance. With a
/// two-objective <paramref name="objective"/>, "best" is NSGA-II's order (<see cref="Pareto.Rank"/>).</summary>
public sealed class Evolver(SearchSpace space, GaSettings settings, Objective? objective = null)
{
    public IReadOnlyList<Genome> InitialPopulation(DeterministicRng rng) => settings.Initial switch
    {
        Evolution.InitialPopulation.Grid when settings.Population >= space.Size => space.Enumerate().ToArray(),
        Evolution.InitialPopulation.Grid => DistinctSamples(rng),
        Evolution.InitialPopulation.Spread when settings.Population >= space.Size => space.Enumerate().ToArray(),
        Evolution.InitialPopulation.Spread => SpreadSamples(rng),
        _ => Enumerable.Range(0, settings.Population).Select(_ => space.Sample(rng)).ToArray(),
    };

    IReadOnlyList<Genome> DistinctSamples(DeterministicRng rng)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var samples = new List<Genome>(settings.Population);
        while (samples.Count < settings.Population)
        {
            var genome = space.Sample(rng);
            if (seen.Add(genome.Key)) samples.Add(genome);
        }
        return samples;
    }

    /// <summary>Each gene's values dealt in rounds (a fresh permutation per round, so every value appears before any
    /// appears twice), each gene's column shuffled on its own; a genome dealt twice gets one gene re-drawn.
    /// </summary>
    IReadOnlyList<Genome> SpreadSamples(DeterministicRng rng)
    {
        var columns = space.Genes.Select(gene => Dealt(gene, rng)).ToArray();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var samples = new List<Genome>(settings.Population);
        for (var i = 0; i < settings.Population; i++)
        {
            var dealt = new Genome(space.Genes.Select((gene, g) => KeyValuePair.Create(gene.Name, columns[g][i])));
            var genome = Redraw(dealt, g => !seen.Contains(g.Key), g => Mutate(g, rng));
            seen.Add(genome.Key);
            samples.Add(genome);
        }
        return samples;
    }

    string[] Dealt(GeneSpec gene, DeterministicRng rng)
    {
        if (gene.Cardinality is not { } count)
            return Enumerable.Range(0, settings.Population).Select(_ => gene.Sample(rng)).ToArray();
        var values = gene.Enumerate().ToArray();
        var rounds = new List<string>(settings.Population + count);
        while (rounds.Count < settings.Population) rounds.AddRange(rng.Permutation(count).Select(i => values[i]));
        return rng.Permutation(settings.Population).Select(i => rounds[i]).ToArray();
    }

    /// <summary>Best first; ties broken by genome key so the order never depends on arrival order. Like is compared
    /// with like: fully trained genomes first, then those stopped at a rung, the higher rung first.</summary>
    public static IReadOnlyList<ScoredGenome> Rank(IEnumerable<ScoredGenome> scored) =>
        scored.Order(BestFirst).ToArray();

    /// <summary>The order of <see cref="Rank(IEnumerable{ScoredGenome})"/>: only results of one genome compare equal.
    /// </summary>
    public static readonly IComparer<ScoredGenome> BestFirst = Comparer<ScoredGenome>.Create((a, b) =>
    {
        var trained = Trained(b.Fitness).CompareTo(Trained(a.Fitness));
        if (trained != 0) return trained;
        var score = b.Fitness.Score.CompareTo(a.Fitness.Score);
        return score != 0 ? score : string.CompareOrdinal(a.Genome.Key, b.Genome.Key);
    });

    /// <summary>How far a result's training went, as ranking compares it: a partial result's rung, below every fully
    /// trained result (<see cref="int.MaxValue"/>; also every result of a run without rungs).</summary>
    public static int Trained(FitnessResult result) => result.Partial ? result.Rung ?? 0 : int.MaxValue;

    /// <summary>Best first as <paramref name="objective"/> sees it: by score, or with two objectives by Pareto front
    /// and crowding.</summary>
    public static IReadOnlyList<ScoredGenome> Rank(IEnumerable<ScoredGenome> scored, Objective objective) =>
        objective.IsPareto ? Pareto.Rank(scored, objective) : Rank(scored);

    /// <summary>Best first as the run's objective sees it.</summary>
    public IReadOnlyList<ScoredGenome> Order(IEnumerable<ScoredGenome> scored) => Rank(scored, Goal);

    Objective Goal => objective ?? Objective.Default;

    /// <summary>Re-draws of a duplicate child before it is kept anyway (a nearly exhausted space).</summary>
    const int MaxRedraws = 20;

    /// <param name="isEvaluated">Whether a genome key was evaluated earlier in the run (for avoid-duplicates).</param>
    /// <param name="stagnantGenerations">Generations since the run's best last improved (for adaptive mutation).
    /// </param>
    /// <param name="measured">Every genome measured so far in the run (for guidance; without it, none).</param>
    public IReadOnlyList<Genome> NextGeneration(IEnumerable<ScoredGenome> scored, DeterministicRng rng,
        Func<string, bool>? isEvaluated = null, int stagnantGenerations = 0,
        IReadOnlyCollection<ScoredGenome>? measured = null)
    {
        var ranked = Order(scored);
        var graded = (settings.SharingRadius > 0 ? RankShared(ranked) : ranked).Select(s => s.Genome).ToList();
        var mutateChance = settings.AdaptiveMutation
            ? Math.Min(1, settings.MutateChance * Math.Pow(2, stagnantGenerations)) : settings.MutateChance;
        // At least one survivor: the best genome always lives on (elitism).
        var retainLength = Math.Max(1, (int)(graded.Count * settings.Retain));
        var parents = graded.Take(retainLength).ToList();
        parents.AddRange(graded.Skip(retainLength).Where(_ => rng.NextDouble() < settings.RandomSelect));

        var next = parents.Take(settings.Population).ToList();
        var taken = next.Select(g => g.Key).ToHashSet(StringComparer.Ordinal);
        bool IsNew(Genome g) => !taken.Contains(g.Key) && isEvaluated?.Invoke(g.Key) != true;
        var immigrants = Math.Min(settings.Population - next.Count,
            (int)Math.Round(settings.Immigrants * settings.Population));
        var children = settings.Population - next.Count - immigrants;
        if (Surrogate.Fit(space, settings.Guidance, measured ?? [], Goal) is { } surrogate)
        {
            var pool = CandidatePool(children * settings.Candidates, parents, rng, mutateChance, IsNew);
            foreach (var child in Guided(pool, children, surrogate, rng))
            {
                next.Add(child);
                taken.Add(child.Key);
                children--;
            }
        }
        while (children > 0)
        {
            var (mother, father) = PickPair(parents, rng);
            Genome[] babies = [Breed(mother, father, rng, mutateChance), Breed(mother, father, rng, mutateChance)];
            foreach (var baby in babies)
            {
                if (children == 0) break;
                var child = settings.AvoidDuplicates ? Redraw(baby, IsNew, g => Mutate(g, rng)) : baby;
                next.Add(child);
                taken.Add(child.Key);
                children--;
            }
        }
        for (var i = 0; i < immigrants; i++)
        {
            var immigrant = Immigrant(rng, IsNew);
            next.Add(immigrant);
            taken.Add(immigrant.Key);
        }
        return next;
    }

    /// <summary>A new random genome, re-drawn while <paramref name="isNew"/> says it is not.</summary>
    public Genome Immigrant(DeterministicRng rng, Func<Genome, bool> isNew) =>
        Redraw(space.Sample(rng), isNew, _ => space.Sample(rng));

    /// <summary>One steady-state child of the evaluated population: two parents picked as for a generation
    /// (tournament, or uniform), the seed's crossover and mutation, genes re-drawn while the child is not new when
    /// avoid-duplicates is on. With a <paramref name="surrogate"/> (guidance), its pick of <c>Candidates</c> new
    /// children (a random one of them with chance <c>Exploration</c>).</summary>
    /// <param name="parents">The population's genomes, best first (<see cref="Order"/>).</param>
    public Genome Child(IReadOnlyList<Genome> parents, DeterministicRng rng, Func<Genome, bool> isNew,
        Surrogate? surrogate = null)
    {
        if (surrogate is not null &&
            CandidatePool(settings.Candidates, parents, rng, settings.MutateChance, isNew) is { Count: > 0 } pool)
            return rng.NextDouble() < settings.Exploration ? rng.Pick(pool) : Ranked(pool, surrogate)[0];
        var (mother, father) = PickPair(parents, rng);
        var child = Breed(mother, father, rng, settings.MutateChance);
        return settings.AvoidDuplicates ? Redraw(child, isNew, g => Mutate(g, rng)) : child;
    }

    /// <summary>Up to <paramref name="size"/> distinct new children, bred as usual (duplicates re-drawn); fewer
    /// when the space is nearly exhausted.</summary>
    List<Genome> CandidatePool(int size, IReadOnlyList<Genome> parents, DeterministicRng rng, double mutateChance,
        Func<Genome, bool> isNew)
    {
        var pool = new List<Genome>(size);
        var pooled = new HashSet<string>(StringComparer.Ordinal);
        bool IsCandidate(Genome g) => isNew(g) && !pooled.Contains(g.Key);
        for (var attempt = 0; pool.Count < size && attempt < 2 * size; attempt++)
        {
            var (mother, father) = PickPair(parents, rng);
            var child = Redraw(Breed(mother, father, rng, mutateChance), IsCandidate, g => Mutate(g, rng));
            if (IsCandidate(child) && pooled.Add(child.Key)) pool.Add(child);
        }
        return pool;
    }

    /// <summary>The surrogate's best candidates, then an exploration share drawn at random from the rest, so a
    /// wrong model cannot steer the search away from a region for good. At most <paramref name="count"/>.</summary>
    IEnumerable<Genome> Guided(List<Genome> pool, int count, Surrogate surrogate, DeterministicRng rng)
    {
        var ranked = Ranked(pool, surrogate);
        var exploit = Math.Min(ranked.Length, count - (int)Math.Round(count * settings.Exploration));
        var rest = ranked.Skip(exploit).ToArray();
        var explore = Math.Min(rest.Length, count - exploit);
        return ranked.Take(exploit).Concat(rng.Permutation(rest.Length).Take(explore).Select(i => rest[i]));
    }

    /// <summary>Most promising first; ties by key, so the order never depends on how the pool was bred.</summary>
    static Genome[] Ranked(List<Genome> pool, Surrogate surrogate) =>
        pool.OrderByDescending(surrogate.Predict).ThenBy(g => g.Key, StringComparer.Ordinal).ToArray();

    static Genome Redraw(Genome genome, Func<Genome, bool> isNew, Func<Genome, Genome> redraw)
    {
        for (var i = 0; i < MaxRedraws && !isNew(genome); i++) genome = redraw(genome);
        return genome;
    }

    /// <summary>Uniform crossover: each gene from either parent; then, with mutate-chance, one gene re-drawn.</summary>
    public Genome Breed(Genome mother, Genome father, DeterministicRng rng) =>
        Breed(mother, father, rng, settings.MutateChance);

    Genome Breed(Genome mother, Genome father, DeterministicRng rng, double mutateChance)
    {
        var child = new Genome(space.Genes.Select(g =>
            KeyValuePair.Create(g.Name, rng.NextDouble() < 0.5 ? mother.Get(g.Name) : father.Get(g.Name))));
        return rng.NextDouble() < mutateChance ? Mutate(child, rng) : child;
    }

    /// <summary>Ranks by shared fitness (score / niche count, the niche being the genomes within
    /// <c>SharingRadius</c> differing genes, with linearly falling weight), keeping the best genome first.</summary>
    IReadOnlyList<ScoredGenome> RankShared(IReadOnlyList<ScoredGenome> ranked)
    {
        double Niche(ScoredGenome s) => ranked.Sum(other =>
            Math.Max(0, 1 - Distance(s.Genome, other.Genome) / (double)(settings.SharingRadius + 1)));
        var shared = ranked.Skip(1)
            .OrderByDescending(s => s.Fitness.Failed ? double.NegativeInfinity
                : s.Fitness.Minimize ? -s.Fitness.Accuracy * Niche(s) : s.Fitness.Accuracy / Niche(s))
            .ThenBy(s => s.Genome.Key, StringComparer.Ordinal);
        return [ranked[0], .. shared];
    }

    int Distance(Genome a, Genome b) => space.Genes.Count(g => a.Get(g.Name) != b.Get(g.Name));

    public Genome Mutate(Genome genome, DeterministicRng rng)
    {
        var gene = rng.Pick(space.Genes);
        return genome.With(gene.Name, gene.Sample(rng));
    }

    /// <param name="parents">Best first.</param>
    (Genome, Genome) PickPair(IReadOnlyList<Genome> parents, DeterministicRng rng)
    {
        if (parents.Count == 1) return (parents[0], parents[0]);
        if (settings.Tournament >= 2)
        {
            var first = Tournament(parents.Count, rng);
            var second = Tournament(parents.Count - 1, rng, skip: first);
            return (parents[first], parents[second]);
        }
        var male = rng.NextInt(parents.Count);
        var female = rng.NextInt(parents.Count - 1);
        if (female >= male) female++; // two distinct parents, as the seed requires
        return (parents[male], parents[female]);
    }

    /// <summary>The best (lowest index) of <c>Tournament</c> uniform draws from <paramref name="count"/> ranked
    /// parents, indexes at or above <paramref name="skip"/> shifted past it so the pair is two distinct parents.
    /// </summary>
    int Tournament(int count, DeterministicRng rng, int skip = int.MaxValue)
    {
        var winner = Enumerable.Range(0, settings.Tournament).Min(_ => rng.NextInt(count));
        return winner >= skip ? winner + 1 : winner;
    }
}
