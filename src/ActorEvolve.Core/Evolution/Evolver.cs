using ActorEvolve.Core.Fitness;
using ActorEvolve.Core.Genes;
using ActorEvolve.Core.Randomness;

namespace ActorEvolve.Core.Evolution;

/// <summary>The seed's evolve(): keep the top <c>retain</c> share, let some losers survive for diversity, fill the
/// rest with uniform-crossover children of random surviving pairs, each child mutated with some chance.</summary>
public sealed class Evolver(SearchSpace space, GaSettings settings)
{
    public IReadOnlyList<Genome> RandomPopulation(DeterministicRng rng) =>
        Enumerable.Range(0, settings.Population).Select(_ => space.Sample(rng)).ToArray();

    /// <summary>Best first; ties broken by genome key so the order never depends on arrival order.</summary>
    public static IReadOnlyList<ScoredGenome> Rank(IEnumerable<ScoredGenome> scored) =>
        scored.OrderByDescending(s => s.Fitness.Score).ThenBy(s => s.Genome.Key, StringComparer.Ordinal).ToArray();

    public IReadOnlyList<Genome> NextGeneration(IEnumerable<ScoredGenome> scored, DeterministicRng rng)
    {
        var graded = Rank(scored).Select(s => s.Genome).ToList();
        // At least one survivor: the best genome always lives on (elitism).
        var retainLength = Math.Max(1, (int)(graded.Count * settings.Retain));
        var parents = graded.Take(retainLength).ToList();
        parents.AddRange(graded.Skip(retainLength).Where(_ => rng.NextDouble() < settings.RandomSelect));

        var desired = settings.Population - parents.Count;
        var children = new List<Genome>(Math.Max(0, desired));
        while (children.Count < desired)
        {
            var (mother, father) = PickPair(parents, rng);
            foreach (var baby in new[] { Breed(mother, father, rng), Breed(mother, father, rng) })
                if (children.Count < desired) children.Add(baby);
        }
        return parents.Take(settings.Population).Concat(children).ToArray();
    }

    /// <summary>Uniform crossover: each gene from either parent; then, with mutate-chance, one gene re-drawn.</summary>
    public Genome Breed(Genome mother, Genome father, DeterministicRng rng)
    {
        var child = new Genome(space.Genes.Select(g =>
            KeyValuePair.Create(g.Name, rng.NextDouble() < 0.5 ? mother.Get(g.Name) : father.Get(g.Name))));
        return rng.NextDouble() < settings.MutateChance ? Mutate(child, rng) : child;
    }

    public Genome Mutate(Genome genome, DeterministicRng rng)
    {
        var gene = rng.Pick(space.Genes);
        return genome.With(gene.Name, gene.Sample(rng));
    }

    static (Genome, Genome) PickPair(IReadOnlyList<Genome> parents, DeterministicRng rng)
    {
        if (parents.Count == 1) return (parents[0], parents[0]);
        var male = rng.NextInt(parents.Count);
        var female = rng.NextInt(parents.Count - 1);
        if (female >= male) female++; // two distinct parents, as the seed requires
        return (parents[male], parents[female]);
    }
}
