using ActorEvolve.Cli.Composition;
using ActorEvolve.Core.Genes;
using ActorEvolve.Engine.Configuration;
using CsCheck;

namespace ActorEvolve.Cli.Tests;

/// <summary>Any configuration yields valid settings or one ConfigException line, never another exception: random
/// values of every key (EngineSettings, TrainingConfig), random search spaces (SearchSpaceParser) and random text
/// (HoconLoader).</summary>
public sealed class ConfigurationProperties
{
    /// <summary>Every key of the shipped defaults, and the sections above them.</summary>
    static readonly string[] Keys = KeysOf(SettingsReader.Of(HoconLoader.Load(), "actorevolve")).ToArray();

    static IEnumerable<string> KeysOf(SettingsReader section)
    {
        yield return section.Path;
        foreach (var key in section.Keys)
        {
            if (section.Kind(key) == SettingKind.Section)
                foreach (var inner in KeysOf(section.Section(key))) yield return inner;
            else yield return section.KeyOf(key);
        }
    }

    /// <summary>Values of every kind, good and bad, including the ones a user once tried.</summary>
    static readonly Gen<string> Value = Gen.OneOf(
        Gen.OneOf("on", "off", "maybe", "true", "2", "-1", "0", "20", "1.5", "1e12", "NaN", "Infinity", "5", "5s",
            "10m", "2h", "0s", "-5s", "1.5h", "null", "\"\"", "\"20\"", "\" \"", "[]", "[1, 2]", "[[1]]", "[{ a = 1 }]",
            "{}", "{ min = 1, max = 3 }", "{ min = 0.001, max = 0.1, scale = log }", "{ min = 3, max = 1 }",
            "{ min = a }", "{ max = 2 }", "{ min = 1, max = 2, type = banana }", "[relu, swish]", "\"[bold]x[/]\"",
            "${actorevolve.seed}", "99999999999999999999", "\"table:\"", "\"sqlite:\"", "\"sqlite:/proc/nope/x.db\"",
            "\"postgres://u:p@:5/db\"", "harvey", "grid", "random", "minimize", "accuracy", "mnist", "cuda"),
        Gen.Int.Select(i => i.ToString()),
        Gen.Double.Select(d => d.ToString("R", System.Globalization.CultureInfo.InvariantCulture)));

    static readonly Gen<string> Key = Gen.OneOf(Gen.OneOf(Keys),
        Gen.OneOf("akka", "actorevolve.search-space.colour", "actorevolve.ga-presets.mine", "actorevolve.nope"));

    static readonly Gen<string[]> Overrides = Gen.Select(Key, Value, (key, value) => $"{key} = {value}").Array[1, 4];

    [Fact]
    public void Any_value_of_any_key_gives_settings_or_one_line_ConfigException() =>
        Overrides.Sample(lines => AssertReadsOrRefuses(() => HoconLoader.Load(overrides: lines)), iter: 3000);

    /// <summary>A search space of its own: the defaults' genes dropped, random genes of every kind added.</summary>
    static readonly Gen<string[]> RandomSpace = Gen.Select(Gen.OneOf("a", "b", "nb_layers", "learning_rate"), Value,
        (gene, value) => $"actorevolve.search-space.{gene} = {value}").Array[0, 5]
        .Select(genes => (string[])[.. new[] { "nb_neurons", "nb_layers", "activation", "optimizer" }
            .Select(gene => $"actorevolve.search-space.{gene} = null"), .. genes]);

    [Fact]
    public void Any_search_space_parses_or_is_one_line_ConfigException() => RandomSpace.Sample(lines =>
    {
        try
        {
            var space = EngineSettings.From(HoconLoader.Load(overrides: lines)).Space;
            Assert.NotEmpty(space.Genes);
            Assert.All(space.Genes.OfType<ChoiceGene>(), gene => Assert.NotEmpty(gene.Values));
        }
        catch (ConfigException e)
        {
            AssertOneLine(e);
        }
    }, iter: 3000);

    /// <summary>Pieces of HOCON that random files are made of.</summary>
    static readonly Gen<string> Piece = Gen.OneOf(
        Gen.OneOf("actorevolve", "ga", "population", "search-space", "engine", ".", " = ", ":", "{", "}", "[", "]",
            ",", "\n", "\"", "\"\"\"", "#", "//", "${", "include", "null", "5", "on", "x", " ", "\t", "\\", "é", "\0"),
        Gen.String);

    [Fact]
    public void Any_text_as_a_config_file_gives_settings_or_one_line_ConfigException()
    {
        var dir = Directory.CreateTempSubdirectory("actorevolve-conf-").FullName;
        try
        {
            Piece.Array[0, 60].Select(string.Concat).Sample(text =>
            {
                var file = Path.Combine(dir, "user.conf");
                File.WriteAllText(file, text);
                AssertReadsOrRefuses(() => HoconLoader.Load(file));
            }, iter: 3000);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    static void AssertReadsOrRefuses(Func<Akka.Configuration.Config> load)
    {
        try
        {
            var config = load();
            EngineSettings.From(config);
            if (FitnessConfig.IsMlp(config)) TrainingConfig.From(config);
        }
        catch (ConfigException e)
        {
            AssertOneLine(e);
        }
    }

    static void AssertOneLine(ConfigException e)
    {
        Assert.NotEqual("", e.Message.Trim());
        Assert.DoesNotContain('\n', e.Message);
        Assert.DoesNotContain('\r', e.Message);
        Assert.DoesNotContain("Value cannot be null", e.Message);
        Assert.DoesNotContain("Object reference", e.Message);
    }
}
