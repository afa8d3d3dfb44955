using ActorEvolve.Core.Randomness;

namespace ActorEvolve.Core.Genes;

/// <summary>The genes a genome is made of. Genes are ordered by name so that iteration order, and therefore
/// every random draw, does not depend on how the configuration happened to list them.</summary>
public sealed class SearchSpace
{
    public IReadOnlyList<GeneSpec> Genes { get; }

    public SearchSpace(IEnumerable<GeneSpec> genes)
    {
        Genes = genes.OrderBy(g => g.Name, StringComparer.Ordinal).ToArray();
        if (Genes.Count == 0) throw new SearchSpaceException("the search space declares no genes");
        var duplicate = Genes.GroupBy(g => g.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new SearchSpaceException($"gene '{duplicate.Key}' is declared twice");
    }

    public GeneSpec this[string name] =>
        Genes.FirstOrDefault(g => g.Name == name) ?? throw new KeyNotFoundException($"no gene named '{name}'");

    /// <summary>Number of distinct genomes, or null when a gene is continuous.</summary>
    public long? Size => Genes.All(g => g.Cardinality is not null)
        ? Genes.Aggregate(1L, (acc, g) => acc * g.Cardinality!.Value)
        : null;

    public Genome Sample(DeterministicRng rng) =>
        new(Genes.ToDictionary(g => g.Name, g => g.Sample(rng)));

    /// <summary>Every genome of a finite space, in a stable order.</summary>
    public IEnumerable<Genome> Enumerate()
    {
        IEnumerable<Dictionary<string, string>> partials = [new Dictionary<string, string>()];
        foreach (var gene in Genes)
        {
            var g = gene;
            partials = partials.SelectMany(p =>
                g.Enumerate().Select(v => new Dictionary<string, string>(p) { [g.Name] = v }));
        }
        return partials.Select(p => new Genome(p));
    }

    /// <summary>Throws when a genome does not belong to this space (a journal or table from another space).</summary>
    public void Validate(Genome genome)
    {
        foreach (var gene in Genes)
        {
            if (!genome.Genes.TryGetValue(gene.Name, out var value))
                throw new SearchSpaceException($"genome {genome.Key} lacks gene '{gene.Name}'");
            if (!gene.Contains(value))
                throw new SearchSpaceException($"genome {genome.Key}: '{value}' is outside {gene.Describe()}");
        }
        var extra = genome.Genes.Keys.FirstOrDefault(k => Genes.All(g => g.Name != k));
        if (extra is not null) throw new SearchSpaceException($"genome {genome.Key} has unknown gene '{extra}'");
    }
}
