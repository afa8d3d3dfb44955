using System.Globalization;

namespace ActorEvolve.Cli.Tests;

/// <summary><c>actorevolve brute</c>: every genome through the same engine, recorded as a fitness table.</summary>
public sealed class BruteTests : IDisposable
{
    readonly CliProcess _cli = new();

    public void Dispose() => _cli.Dispose();

    static Dictionary<string, double> Fitness(string table)
    {
        var lines = File.ReadAllLines(table);
        var header = lines[0].Split(',');
        var genes = new[] { "activation", "nb_layers", "nb_neurons", "optimizer" }
            .Select(g => Array.IndexOf(header, g)).ToArray();
        var fitness = Array.IndexOf(header, "fitness");
        return lines.Skip(1).Select(l => l.Split(',')).ToDictionary(
            cells => string.Join(",", genes.Select(i => cells[i])),
            cells => double.Parse(cells[fitness], CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Brute_force_evaluates_every_genome_once_and_writes_a_grid_the_table_fitness_reads()
    {
        var table = _cli.SeedGrid();
        string[] Brute(string id) => ["brute", "--fitness", $"table:{table}", "--run-id", id,
            "--config", _cli.Write("delay.conf", "actorevolve.table-delay = 5ms")];

        // Killed part way and resumed: brute force is a run like any other.
        _cli.RunAndKill(l => l.StartsWith("  evaluated"), 100, Brute("grid"));
        var resumed = _cli.Run("resume", "grid");
        Assert.True(resumed.ExitCode == 0, resumed.Stderr);

        var run = Path.Combine(_cli.WorkDir, "runs", "grid");
        var evaluated = File.ReadAllLines(Path.Combine(run, "results.csv")).Skip(1)
            .Select(r => string.Join(",", r.Split(',').Skip(1).Take(4))).ToArray();
        Assert.Equal(672, evaluated.Length);
        Assert.Equal(672, evaluated.Distinct().Count());

        var grid = Path.Combine(run, "grid.csv");
        Assert.Equal(Fitness(table), Fitness(grid));
        var recorded = Fitness(grid).Values.ToArray();
        Assert.Equal(recorded.OrderDescending(), recorded); // best first
        Assert.Contains("Grid: ", resumed.Stdout);

        // The grid is itself a fitness table: a search on it finds the same values.
        var search = _cli.Run("search", "--fitness", $"table:{grid}", "--population", "6", "--generations", "2",
            "--run-id", "on-grid");
        Assert.True(search.ExitCode == 0, search.Stderr);
    }

    [Fact]
    public void A_space_with_a_float_gene_needs_a_sample_count()
    {
        var space = _cli.Write("lr.conf",
            "actorevolve.search-space.learning_rate { min = 0.0001, max = 0.1, scale = log }");
        var refused = _cli.Run("brute", "--config", space);
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("pass --samples N", Assert.Single(refused.StderrLines));
        Assert.False(Directory.Exists(Path.Combine(_cli.WorkDir, "runs")));
    }

    [Fact]
    public void A_real_brute_force_over_a_small_space_records_validation_and_test_accuracy()
    {
        var config = _cli.TinyBudgetConfig("""
            actorevolve.search-space.nb_neurons = [64]
            actorevolve.search-space.nb_layers { min = 1, max = 1 }
            actorevolve.search-space.activation = [relu, tanh]
            actorevolve.search-space.optimizer = [adam]
            """);
        var result = _cli.Run("brute", "--config", config, "--run-id", "real");
        Assert.True(result.ExitCode == 0, result.Stderr + result.Stdout);

        var rows = File.ReadAllLines(Path.Combine(_cli.WorkDir, "runs", "real", "grid.csv"));
        Assert.Equal("activation,nb_layers,nb_neurons,optimizer,fitness,validation_loss,test_accuracy,epochs,seconds," +
            "status,accuracy_curve,loss_curve", rows[0]);
        Assert.Equal(3, rows.Length);
        // Each row ends with its learning curve, two JSON arrays (quoted when they hold a comma).
        Assert.All(rows.Skip(1), row => Assert.Matches(@",""?\[[^\]]+\]""?,""?\[[^\]]+\]""?$", row));
        foreach (var cells in rows.Skip(1).Select(r => r.Split(',')))
        {
            // real training beats chance
            Assert.InRange(double.Parse(cells[4], CultureInfo.InvariantCulture), 0.2, 1.0);
            Assert.InRange(double.Parse(cells[6], CultureInfo.InvariantCulture), 0.2, 1.0);
            Assert.Equal("ok", cells[9]);
        }
    }
}
