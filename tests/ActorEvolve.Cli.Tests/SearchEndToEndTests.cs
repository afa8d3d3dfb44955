using System.Text.Json;
using System.Text.RegularExpressions;

namespace ActorEvolve.Cli.Tests;

/// <summary>The search as a user runs it: the real CLI process, real TorchSharp training on a small real
/// subset.</summary>
public sealed class SearchEndToEndTests : IDisposable
{
    readonly CliProcess _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public void A_small_search_completes_writes_its_results_and_is_listed()
    {
        var result = _cli.Run("search", "--config", _cli.TinyBudgetConfig(), "--population", "4", "--generations", "2",
            "--seed", "5", "--run-id", "small");
        Assert.True(result.ExitCode == 0, result.Stderr + result.Stdout);

        var run = Path.Combine(_cli.WorkDir, "runs", "small");
        var rows = File.ReadAllLines(Path.Combine(run, "results.csv"));
        Assert.StartsWith("generation,activation,nb_layers,nb_neurons,optimizer,fitness,validation_loss", rows[0]);
        Assert.InRange(rows.Length - 1, 3, 8); // each distinct genome trained once

        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "summary.json")));
        var root = summary.RootElement;
        Assert.Equal("completed", root.GetProperty("status").GetString());
        Assert.Equal(5, root.GetProperty("seed").GetInt64());
        Assert.Equal(2, root.GetProperty("generations").GetArrayLength());
        foreach (var generation in root.GetProperty("generations").EnumerateArray())
        {
            var wall = generation.GetProperty("wall_seconds").GetDouble();
            Assert.InRange(generation.GetProperty("engine_overhead_seconds").GetDouble(), 0, wall);
        }
        Assert.InRange(root.GetProperty("test_accuracy").GetDouble(), 0.3, 1.0); // real training beats chance (0.1)
        Assert.True(File.Exists(Path.Combine(run, "winner.model")));
        Assert.True(File.Exists(Path.Combine(run, "actorevolve.log"))); // Akka's log lines, kept out of the terminal

        // Not a terminal: plain lines, one per evaluation, no control characters; ends with the top table.
        Assert.Equal(rows.Length - 1,
            result.Stdout.Split('\n').Count(l => l.StartsWith("  evaluated") || l.StartsWith("  failed")));
        Assert.DoesNotContain('\u001b', result.Stdout);
        Assert.Contains("Top 5 networks", result.Stdout);
        Assert.Contains("test accuracy", result.Stdout);
        Assert.Matches(@"Engine overhead: \d+\.\d\d s of \d+\.\d\d s \(.*\)\r?\n  \(generation time .*\)",
            result.Stdout);

        var runs = _cli.Run("runs");
        Assert.Equal(0, runs.ExitCode);
        Assert.Contains("small", runs.Stdout);
        Assert.Contains("completed", runs.Stdout);
    }

    [Fact]
    public void The_winner_and_its_scores_fit_a_terminal_of_80_columns_each_whole()
    {
        _cli.Environment["COLUMNS"] = "80";
        var result = _cli.Run("search", "--fitness", $"table:{_cli.SeedGrid()}", "--population", "10",
            "--generations", "3", "--seed", "2", "--run-id", "narrow");
        Assert.True(result.ExitCode == 0, result.Stderr);
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(_cli.WorkDir, "runs", "narrow",
            "summary.json")));
        var genes = summary.RootElement.GetProperty("best").GetProperty("genes").EnumerateObject()
            .Select(g => $"{g.Name}={g.Value.GetString()}");
        // The genome on one line, unbroken; its validation and test scores on the next.
        Assert.Matches($@"(?m)^Winner: {Regex.Escape(string.Join(";", genes))}\r?\n" +
                       @"  \d+\.\d\d % validation accuracy, \d+\.\d\d % test accuracy\r?$", result.Stdout);
        // Every line of the final output within 80 columns (the run folder's path is short enough here), the top
        // table's gene names whole: broken after an underscore, not where a column ends.
        var final = result.Stdout[result.Stdout.IndexOf("Top 5 networks", StringComparison.Ordinal)..].Split('\n');
        Assert.All(final, line => Assert.InRange(line.TrimEnd('\r').Length, 0, 80));
        Assert.Contains(final, l => Regex.IsMatch(l, @"^│ # │ activation │ nb_ +│ nb_ +│ optimizer │ Val\. +│"));
        Assert.Contains(final, l => Regex.IsMatch(l, @"^│   │ +│ layers │ neurons │ +│ acc\. +│"));
        Assert.Contains(final, l => l.StartsWith("Finished in ") &&
                                    l.TrimEnd('\r').EndsWith(" Results (results.csv, summary.json):"));
    }
}
