namespace ActorEvolve.Cli.Tests;

/// <summary>Bad input: one line on stderr, exit code 2, and no run folder left behind.</summary>
public sealed class BadInputTests : IDisposable
{
    readonly CliProcess _cli = new();

    public void Dispose() => _cli.Dispose();

    void AssertRejected(CliProcess.Result result, string expected)
    {
        Assert.Equal(2, result.ExitCode);
        var line = Assert.Single(result.StderrLines);
        Assert.StartsWith("actorevolve: error: ", line);
        Assert.Contains(expected, line);
        Assert.False(Directory.Exists(Path.Combine(_cli.WorkDir, "runs")), "a rejected search must not write a run");
    }

    [Fact]
    public void Invalid_hocon() =>
        AssertRejected(_cli.Run("search", "--config", _cli.Write("bad.conf", "actorevolve { ga { population = 20 }")),
            "invalid HOCON");

    [Fact]
    public void Empty_choice_list() =>
        AssertRejected(_cli.Run("search", "--config", _cli.Write("c.conf", "actorevolve.search-space.activation = []")),
            "gene 'activation' has an empty choice list");

    [Fact]
    public void Population_below_two() =>
        AssertRejected(_cli.Run("search", "--population", "1"), "population must be at least 2");

    [Fact]
    public void Retain_outside_the_unit_interval() =>
        AssertRejected(_cli.Run("search", "--config", _cli.Write("c.conf", "actorevolve.ga.retain = 1.5")),
            "retain must be in (0, 1]");

    [Fact]
    public void Unknown_optimizer() =>
        AssertRejected(_cli.Run("search", "--config",
            _cli.Write("c.conf", "actorevolve.search-space.optimizer = [adam, lbfgs]")), "unknown optimizer 'lbfgs'");

    [Fact]
    public void Unknown_activation() =>
        AssertRejected(_cli.Run("search", "--config",
            _cli.Write("c.conf", "actorevolve.search-space.activation = [relu, swish]")), "unknown activation 'swish'");

    [Fact]
    public void A_gene_the_trainer_does_not_understand() =>
        AssertRejected(_cli.Run("search", "--config", _cli.Write("c.conf", "actorevolve.search-space.colour = [red]")),
            "gene 'colour' means nothing to the MLP trainer");

    [Fact]
    public void Unknown_flag() =>
        AssertRejected(_cli.Run("search", "--populaton", "5"), "--populaton");

    [Fact]
    public void Unknown_budget() =>
        AssertRejected(_cli.Run("search", "--budget", "huge"), "unknown training budget 'huge'");

    [Fact]
    public void Missing_dataset_folder() =>
        AssertRejected(_cli.Run("search", "--data", Path.Combine(_cli.WorkDir, "nowhere")), "file not found");

    [Fact]
    public void Corrupt_dataset_names_the_file()
    {
        var data = Path.Combine(_cli.WorkDir, "data");
        Directory.CreateDirectory(data);
        foreach (var file in Directory.GetFiles(CliProcess.FashionMnist))
            File.Copy(file, Path.Combine(data, Path.GetFileName(file)));
        var labels = Path.Combine(data, "train-labels-idx1-ubyte.gz");
        var bytes = File.ReadAllBytes(labels);
        File.WriteAllBytes(labels, bytes[..(bytes.Length / 2)]);
        AssertRejected(_cli.Run("search", "--data", data), labels);
    }

    [Fact]
    public void An_existing_run_id_is_not_overwritten()
    {
        var run = Path.Combine(_cli.WorkDir, "runs", "taken");
        Directory.CreateDirectory(run);
        File.WriteAllText(Path.Combine(run, "results.csv"), "precious");
        var result = _cli.Run("search", "--run-id", "taken");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("run 'taken' has files in", Assert.Single(result.StderrLines));
        Assert.Equal("precious", File.ReadAllText(Path.Combine(run, "results.csv")));
    }

    [Fact]
    public void A_fitness_table_with_a_nan_accuracy()
    {
        var lines = File.ReadAllLines(_cli.SeedGrid())[..7]; // the header and six genomes
        var table = _cli.Write("nan.csv", string.Join("\n", [.. lines, "relu,1,64,sgd,NaN,0.5,0.5,3,1,ok"]));
        AssertRejected(_cli.Run("search", "--fitness", $"table:{table}"),
            "nan.csv:8: column 'fitness': 'NaN' is not an accuracy in [0, 1]");
    }

    [Fact]
    public void A_fitness_table_that_covers_part_of_the_search_space()
    {
        var part = _cli.Write("part.csv", string.Join("\n", File.ReadAllLines(_cli.SeedGrid())[..41]));
        AssertRejected(_cli.Run("search", "--fitness", $"table:{part}"),
            "part.csv: covers 40 of the search space's 672 genomes (missing e.g. 'activation=");
    }
}
