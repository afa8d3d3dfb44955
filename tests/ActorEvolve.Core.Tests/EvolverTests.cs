using ActorEvolve.Core.Evolution;
using ActorEvolve.Core.Fitness;
using ActorEvolve.Core.Genes;
using ActorEvolve.Core.Randomness;

namespace ActorEvolve.Core.Tests;

public sealed class EvolverTests
{
    static readonly SearchSpace Space = Spaces.Seed();

    static IReadOnlyList<ScoredGenome> ScoredPopulation(int size, long seed) =>
        new Evolver(Space, new GaSettings(Population: size)).InitialPopulation(new DeterministicRng((ulong)seed))
            .Select(g => new ScoredGenome(g, Spaces.FakeFitness(g))).ToArray();

    [Fact]
    public void A_grid_population_covering_the_space_is_every_genome_once()
    {
        var grid = new Evolver(Space, new GaSettings(Population: 1000, Initial: InitialPopulation.Grid))
            .InitialPopulation(new DeterministicRng(1));
        Assert.Equal(672, grid.Count);
        Assert.Equal(672, grid.Select(g => g.Key).Distinct().Count());
    }

    [Fact]
    public void A_smaller_grid_population_is_a_sample_without_replacement_that_the_seed_fixes()
    {
        var settings = new GaSettings(Population: 300, Initial: InitialPopulation.Grid);
        var sample = new Evolver(Space, settings).InitialPopulation(new DeterministicRng(5));
        Assert.Equal(300, sample.Select(g => g.Key).Distinct().Count());
        Assert.Equal(sample, new Evolver(Space, settings).InitialPopulation(new DeterministicRng(5)));
    }

    [Fact]
    public void The_next_generation_has_the_population_size_and_keeps_the_top_retain_share()
    {
        var scored = ScoredPopulation(20, 1);
        var next = new Evolver(Space, new GaSettings()).NextGeneration(scored, new DeterministicRng(2));
        Assert.Equal(20, next.Count);
        var top8 = Evolver.Rank(scored).Take(8).Select(s => s.Genome);
        Assert.Equal(top8, next.Take(8)); // retain 0.4 of 20, best first
    }

    [Fact]
    public void The_best_genome_always_survives_even_with_a_tiny_retain_share()
    {
        var scored = ScoredPopulation(10, 3);
        var best = Evolver.Rank(scored)[0].Genome;
        var evolver = new Evolver(Space,
            new GaSettings(Population: 10, Retain: 0.01, RandomSelect: 0, MutateChance: 1));
        for (var seed = 0UL; seed < 20; seed++)
            Assert.Contains(best, evolver.NextGeneration(scored, new DeterministicRng(seed)));
    }

    [Fact]
    public void Without_mutation_every_child_gene_comes_from_a_parent()
    {
        var scored = ScoredPopulation(20, 4);
        var evolver = new Evolver(Space, new GaSettings(RandomSelect: 0, MutateChance: 0));
        var next = evolver.NextGeneration(scored, new DeterministicRng(5));
        var parents = next.Take(8).ToArray();
        foreach (var child in next.Skip(8))
            foreach (var gene in Space.Genes)
                Assert.Contains(child.Get(gene.Name), parents.Select(p => p.Get(gene.Name)));
    }

    [Fact]
    public void Uniform_crossover_mixes_both_parents()
    {
        var evolver = new Evolver(Space, new GaSettings(MutateChance: 0));
        var mother = Space.Enumerate().First();
        var father = Space.Enumerate().Last(); // differs from mother in every gene
        var rng = new DeterministicRng(6);
        var children = Enumerable.Range(0, 200).Select(_ => evolver.Breed(mother, father, rng)).ToArray();
        var fromMother = children.SelectMany(c => Space.Genes.Where(g => c.Get(g.Name) == mother.Get(g.Name))).Count();
        Assert.InRange(fromMother, 300, 500); // 800 genes, about half from each parent
        Assert.Contains(children, c => c != mother && c != father);
    }

    [Fact]
    public void Mutation_redraws_exactly_one_gene_at_most()
    {
        var evolver = new Evolver(Space, new GaSettings());
        var rng = new DeterministicRng(7);
        var genome = Space.Sample(rng);
        var changed = 0;
        for (var i = 0; i < 500; i++)
        {
            var mutant = evolver.Mutate(genome, rng);
            var differences = Space.Genes.Count(g => mutant.Get(g.Name) != genome.Get(g.Name));
            Assert.InRange(differences, 0, 1); // a redraw may land on the same value
            changed += differences;
        }
        Assert.InRange(changed, 300, 500);
    }

    [Fact]
    public void Breeding_is_deterministic_for_the_same_random_stream()
    {
        var scored = ScoredPopulation(20, 8);
        var evolver = new Evolver(Space, new GaSettings());
        Assert.Equal(evolver.NextGeneration(scored, new DeterministicRng(9)),
            evolver.NextGeneration(scored, new DeterministicRng(9)));
        Assert.NotEqual(evolver.NextGeneration(scored, new DeterministicRng(9)),
            evolver.NextGeneration(scored, new DeterministicRng(10)));
    }

    [Fact]
    public void With_avoid_duplicates_every_child_is_a_network_not_evaluated_before()
    {
        var scored = ScoredPopulation(20, 11);
        var evaluated = scored.Select(s => s.Genome.Key).ToHashSet();
        var harvey = new Evolver(Space, new GaSettings(RandomSelect: 0));
        var novel = new Evolver(Space, new GaSettings(RandomSelect: 0, AvoidDuplicates: true));
        for (var seed = 0UL; seed < 20; seed++)
        {
            var next = novel.NextGeneration(scored, new DeterministicRng(seed), evaluated.Contains);
            Assert.Equal(20, next.Select(g => g.Key).Distinct().Count());
            Assert.All(next.Skip(8), child => Assert.DoesNotContain(child.Key, evaluated));
        }
        // The seed's GA does breed cache hits: what avoid-duplicates is for.
        Assert.Contains(Enumerable.Range(0, 20), seed =>
            harvey.NextGeneration(scored, new DeterministicRng((ulong)seed)).Skip(8)
                .Any(c => evaluated.Contains(c.Key)));
    }

    [Fact]
    public void Immigrants_are_new_random_genomes_at_the_end_of_the_generation()
    {
        var scored = ScoredPopulation(20, 12);
        var evaluated = scored.Select(s => s.Genome.Key).ToHashSet();
        var evolver = new Evolver(Space, new GaSettings(RandomSelect: 0, MutateChance: 0, Immigrants: 0.25));
        var next = evolver.NextGeneration(scored, new DeterministicRng(13), evaluated.Contains);
        Assert.Equal(20, next.Count);
        var immigrants = next.Skip(15).ToArray();
        Assert.All(immigrants, g => Assert.DoesNotContain(g.Key, evaluated));
        Assert.Equal(5, immigrants.Concat(next.Take(15)).Select(g => g.Key).Distinct().Count()
            - next.Take(15).Select(g => g.Key).Distinct().Count());
    }

    [Fact]
    public void Fitness_sharing_prefers_a_lone_genome_to_a_crowded_niche_but_keeps_the_best()
    {
        Genome G(string neurons, string layers, string activation, string optimizer) => new([
            KeyValuePair.Create("nb_neurons", neurons), KeyValuePair.Create("nb_layers", layers),
            KeyValuePair.Create("activation", activation), KeyValuePair.Create("optimizer", optimizer)]);
        ScoredGenome S(Genome g, double accuracy) => new(g, new FitnessResult(accuracy, 0.5, 1, 1, "t"));
        var best = G("512", "2", "relu", "adam");
        ScoredGenome[] scored = [
            S(best, 0.90), S(G("512", "2", "relu", "nadam"), 0.89), S(G("512", "3", "relu", "adam"), 0.88),
            S(G("64", "1", "sigmoid", "sgd"), 0.85),
        ];
        GaSettings Settings(int radius) => new(Population: 4, Retain: 0.5, RandomSelect: 0, SharingRadius: radius);
        var plain = new Evolver(Space, Settings(0)).NextGeneration(scored, new DeterministicRng(1));
        var shared = new Evolver(Space, Settings(1)).NextGeneration(scored, new DeterministicRng(1));
        Assert.Equal([best, scored[1].Genome], plain.Take(2));
        Assert.Equal([best, scored[3].Genome], shared.Take(2));
    }

    [Fact]
    public void Adaptive_mutation_mutates_more_the_longer_the_best_has_not_improved()
    {
        var scored = ScoredPopulation(20, 14);
        var evolver = new Evolver(Space, new GaSettings(RandomSelect: 0, MutateChance: 0.125, AdaptiveMutation: true));
        int Foreign(int stagnant) => Enumerable.Range(0, 20).Sum(seed =>
        {
            var next = evolver.NextGeneration(scored, new DeterministicRng((ulong)seed), stagnantGenerations: stagnant);
            var parents = next.Take(8).ToArray();
            return next.Skip(8).Count(c => Space.Genes.Any(g => parents.All(p => p.Get(g.Name) != c.Get(g.Name))));
        });
        Assert.True(Foreign(3) > 2 * Foreign(0), $"{Foreign(3)} vs {Foreign(0)} children with a gene from no parent");
    }

    [Fact]
    public void Failed_genomes_rank_below_every_successful_one()
    {
        var genomes = Space.Enumerate().Take(3).ToArray();
        var ranked = Evolver.Rank([
            new ScoredGenome(genomes[0], FitnessResult.Failure("diverged", "t")),
            new ScoredGenome(genomes[1], new FitnessResult(0.0, 2.3, 1, 1, "t")),
            new ScoredGenome(genomes[2], new FitnessResult(0.5, 1.0, 1, 1, "t")),
        ]);
        Assert.Equal([genomes[2], genomes[1], genomes[0]], ranked.Select(r => r.Genome));
    }

    [Theory]
    [InlineData(1, 0.4, "population must be at least 2")]
    [InlineData(20, 0.0, "retain must be in (0, 1]")]
    [InlineData(20, 1.5, "retain must be in (0, 1]")]
    public void Invalid_settings_are_rejected_with_a_reason(int population, double retain, string reason)
    {
        var error = Assert.Throws<ArgumentException>(
            () => new GaSettings(Population: population, Retain: retain).Validated());
        Assert.Contains(reason, error.Message);
    }
}
