using ActorEvolve.Core.Genes;
using ActorEvolve.Core.Randomness;

namespace ActorEvolve.Core.Tests;

public sealed class SearchSpaceTests
{
    [Fact]
    public void The_seed_space_has_672_networks_and_enumerates_them_all_once()
    {
        var space = Spaces.Seed();
        Assert.Equal(672, space.Size);
        var all = space.Enumerate().ToList();
        Assert.Equal(672, all.Count);
        Assert.Equal(672, all.Select(g => g.Key).Distinct().Count());
    }

    [Fact]
    public void Genes_are_ordered_by_name_whatever_the_declaration_order()
    {
        Assert.Equal(["activation", "nb_layers", "nb_neurons", "optimizer"], Spaces.Seed().Genes.Select(g => g.Name));
    }

    [Fact]
    public void Samples_belong_to_the_space()
    {
        var space = Spaces.Seed();
        var rng = new DeterministicRng(5);
        for (var i = 0; i < 200; i++) space.Validate(space.Sample(rng));
    }

    [Fact]
    public void Validate_rejects_values_and_genes_outside_the_space()
    {
        var space = Spaces.Seed();
        var good = space.Sample(new DeterministicRng(1));
        Assert.Contains("outside",
            Assert.Throws<SearchSpaceException>(() => space.Validate(good.With("nb_layers", "9"))).Message);
        Assert.Contains("unknown gene",
            Assert.Throws<SearchSpaceException>(() => space.Validate(good.With("color", "red"))).Message);
    }

    [Fact]
    public void Invalid_gene_declarations_are_rejected_with_the_gene_name()
    {
        Assert.Contains("'activation' has an empty choice list",
            Assert.Throws<SearchSpaceException>(() => new ChoiceGene("activation", [])).Message);
        Assert.Contains("twice", Assert.Throws<SearchSpaceException>(() => new ChoiceGene("x", ["a", "a"])).Message);
        Assert.Contains("min 5 > max 1",
            Assert.Throws<SearchSpaceException>(() => new IntRangeGene("n", 5, 1)).Message);
        Assert.Contains("min > 0",
            Assert.Throws<SearchSpaceException>(() => new FloatRangeGene("lr", 0, 1, log: true)).Message);
        Assert.Contains("declared twice", Assert.Throws<SearchSpaceException>(
            () => new SearchSpace([new IntRangeGene("n", 1, 2), new IntRangeGene("n", 1, 3)])).Message);
        Assert.Contains("no genes", Assert.Throws<SearchSpaceException>(() => new SearchSpace([])).Message);
    }

    [Fact]
    public void A_log_scaled_float_gene_samples_every_decade()
    {
        var gene = new FloatRangeGene("learning_rate", 1e-4, 1e-1, log: true);
        var rng = new DeterministicRng(9);
        var values = Enumerable.Range(0, 3000)
            .Select(_ => double.Parse(gene.Sample(rng), System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.All(values, v => Assert.InRange(v, 1e-4, 1e-1));
        foreach (var (low, high) in new[] { (1e-4, 1e-3), (1e-3, 1e-2), (1e-2, 1e-1) })
            Assert.InRange(values.Count(v => v >= low && v < high), 800, 1200);
        Assert.Null(new SearchSpace([gene]).Size);
    }

    [Fact]
    public void A_genome_key_is_canonical_and_parses_back()
    {
        var a = new Genome(new Dictionary<string, string> { ["optimizer"] = "adam", ["activation"] = "relu" });
        var b = new Genome(new Dictionary<string, string> { ["activation"] = "relu", ["optimizer"] = "adam" });
        Assert.Equal("activation=relu;optimizer=adam", a.Key);
        Assert.Equal(a, b);
        Assert.Equal(a, Genome.Parse(a.Key));
    }
}
