using ActorEvolve.Core.Genes;
using ActorEvolve.Engine.Configuration;

namespace ActorEvolve.Engine.Tests;

public sealed class ConfigurationTests
{
    static EngineSettings Load(params string[] overrides) =>
        EngineSettings.From(HoconLoader.Load(overrides: overrides));

    [Fact]
    public void The_shipped_defaults_are_the_seed_settings_plus_the_measured_improvements()
    {
        var settings = Load();
        Assert.Equal(new Core.Evolution.GaSettings(20, 10, 0.4, 0.1, 0.2, AvoidDuplicates: true, Tournament: 2,
            Initial: Core.Evolution.InitialPopulation.Spread, Guidance: Core.Evolution.Guidance.Tpe), settings.Ga);
        Assert.Equal(672, settings.Space.Size);
        Assert.Equal(["64", "128", "256", "512", "768", "1024"], ((ChoiceGene)settings.Space["nb_neurons"]).Values);
        Assert.Equal(new IntRangeGene("nb_layers", 1, 4), settings.Space["nb_layers"]);
        Assert.Equal(Environment.ProcessorCount, settings.TrainerSlots);
        Assert.Equal(TimeSpan.FromMinutes(30), settings.Policy.Timeout);
    }

    [Fact]
    public void The_harvey_preset_is_exactly_the_seed_ga_and_keeps_the_sizes_and_unguided_the_older_defaults()
    {
        Assert.Equal(new Core.Evolution.GaSettings(20, 10, 0.4, 0.1, 0.2), Load("actorevolve.ga.preset = harvey").Ga);
        Assert.Equal(new Core.Evolution.GaSettings(50, 3), Load("actorevolve.ga.preset = harvey",
            "actorevolve.ga.population = 50", "actorevolve.ga.generations = 3").Ga);
        Assert.Equal(new Core.Evolution.GaSettings(20, 10, 0.4, 0.1, 0.2, AvoidDuplicates: true, Tournament: 2),
            Load("actorevolve.ga.preset = unguided").Ga);
        var unknown = Assert.Throws<ConfigException>(() => Load("actorevolve.ga.preset = nope"));
        Assert.Contains("unknown GA preset 'nope'", unknown.Message);
    }

    [Fact]
    public void One_metric_reads_as_it_always_did_and_a_list_of_two_keeps_a_pareto_front()
    {
        Assert.Equal(Core.Fitness.Objective.Default, Load().Goal);
        Assert.Equal(new Core.Fitness.Objective("validation_loss", false),
            Load("actorevolve.objective { metric = validation_loss, direction = minimize }").Goal);
        var two = Load("actorevolve.objective { metric = [accuracy, inference_ms], direction = [maximize, minimize] }")
            .Goal;
        Assert.Equal(new Core.Fitness.Objective("accuracy", true, new Core.Fitness.Objective("inference_ms", false)),
            two);
        Assert.True(two.IsPareto);
        // A list of one is one metric.
        Assert.Equal(Core.Fitness.Objective.Default,
            Load("actorevolve.objective { metric = [accuracy], direction = [maximize] }").Goal);
    }

    [Fact]
    public void Genes_of_every_kind_can_be_added_and_dropped()
    {
        var settings = Load(
            "actorevolve.search-space.learning_rate { min = 0.0001, max = 0.1, scale = log }",
            "actorevolve.search-space.dropout { min = 0.0, max = 0.5 }",
            "actorevolve.search-space.batch_size = [32, 64, 128]",
            "actorevolve.search-space.epochs { min = 1, max = 5 }",
            "actorevolve.search-space.nb_neurons = null");
        Assert.Equal(new FloatRangeGene("learning_rate", 0.0001, 0.1, log: true), settings.Space["learning_rate"]);
        Assert.Equal(new FloatRangeGene("dropout", 0, 0.5, log: false), settings.Space["dropout"]);
        Assert.IsType<ChoiceGene>(settings.Space["batch_size"]);
        Assert.IsType<IntRangeGene>(settings.Space["epochs"]);
        Assert.DoesNotContain(settings.Space.Genes, g => g.Name == "nb_neurons");
    }

    [Theory]
    [InlineData("actorevolve.search-space.activation = []",
        "invalid search space: gene 'activation' has an empty choice list")]
    [InlineData("actorevolve.search-space.nb_layers { min = 4, max = 1 }", "min 4 > max 1")]
    [InlineData("actorevolve.search-space.lr { min = 0, max = 1, scale = log }", "needs min > 0")]
    [InlineData("actorevolve.search-space.lr { min = 0.1, max = 1, scale = cubic }", "scale must be linear or log")]
    [InlineData("actorevolve.search-space.lr = 5", "must be a list of choices")]
    [InlineData("actorevolve.ga.population = 1", "population must be at least 2")]
    [InlineData("actorevolve.ga.retain = 0", "retain must be in (0, 1]")]
    [InlineData("actorevolve.ga.population = many", "actorevolve.ga.population must be a whole number, got 'many'")]
    [InlineData("actorevolve.engine.max-attempts = 0", "engine.max-attempts must be a whole number of at least 1")]
    public void Invalid_settings_are_one_line_errors(string setting, string expected)
    {
        var error = Assert.Throws<ConfigException>(() => Load(setting));
        Assert.Contains(expected, error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void Invalid_hocon_names_its_file()
    {
        var path = Path.Combine(Path.GetTempPath(), $"bad-{Guid.NewGuid():N}.conf");
        File.WriteAllText(path, "actorevolve { ga { population = 20 }");
        var error = Assert.Throws<ConfigException>(() => HoconLoader.Load(path));
        Assert.StartsWith($"{path}: invalid HOCON", error.Message);
        File.Delete(path);
    }

    [Theory]
    [InlineData("a { b = 1", "line 1: '{' is never closed")]
    [InlineData("a { b = 1 } }", "line 1: '}' closes nothing")]
    [InlineData("a = [1, 2 }", "'}' closes the '[' opened on line 1")]
    [InlineData("a {\n b =\n}", "line 2: a key has no value")]
    [InlineData("a = \"open", "line 1: unterminated string")]
    public void Structural_hocon_errors_that_akka_would_accept_are_caught(string text, string expected) =>
        Assert.Contains(expected, HoconSyntax.FindError(text));

    [Theory]
    [InlineData("a { b = \"}{\" } # a comment with { \n c = [1, 2] // and ]")]
    [InlineData("mirror = \"http://x:80/y\"\nurl = http://host:80/path")]
    [InlineData("text = \"\"\"multi { line\n [ text\"\"\"")]
    public void Valid_hocon_passes_the_structural_check(string text) => Assert.Null(HoconSyntax.FindError(text));

    [Fact]
    public void A_missing_config_file_is_reported()
    {
        Assert.Contains("configuration file not found",
            Assert.Throws<ConfigException>(() => HoconLoader.Load("/nonexistent/x.conf")).Message);
    }
}
