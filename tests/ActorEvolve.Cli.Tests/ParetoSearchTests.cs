using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace ActorEvolve.Cli.Tests;

/// <summary>Two objectives as a user runs them: validation accuracy against parameter count, on the recorded grid
/// with a parameters column.</summary>
public sealed class ParetoSearchTests : IDisposable
{
    readonly CliProcess _cli = new();

    public void Dispose() => _cli.Dispose();

    sealed record Network(string Key, double Accuracy, double Parameters)
    {
        public bool Dominates(Network other) => Accuracy >= other.Accuracy && Parameters <= other.Parameters &&
                                                (Accuracy > other.Accuracy || Parameters < other.Parameters);
    }

    /// <summary>A genome's key from gene columns (name → value), as the engine writes it.</summary>
    static string Key(IEnumerable<(string Name, string Value)> genes) =>
        string.Join(";", genes.OrderBy(g => g.Name, StringComparer.Ordinal).Select(g => $"{g.Name}={g.Value}"));

    static readonly string[] GeneNames = ["activation", "nb_layers", "nb_neurons", "optimizer"];

    [Fact]
    public void A_two_objective_run_ends_with_its_pareto_front_tested_shown_and_charted()
    {
        var grid = _cli.SizedGrid();
        var config = _cli.Write("two.conf",
            "actorevolve.objective { metric = [accuracy, parameters], direction = [maximize, minimize] }");
        var result = _cli.Run("search", "--fitness", $"table:{grid}", "--config", config, "--population", "12",
            "--generations", "4", "--seed", "3", "--run-id", "two");
        Assert.True(result.ExitCode == 0, result.Stderr);
        var run = Path.Combine(_cli.WorkDir, "runs", "two");

        var gridLines = File.ReadAllLines(grid);
        var gridHeader = gridLines[0].Split(',');
        var parameters = gridLines.Skip(1).Select(l => l.Split(',')).ToDictionary(
            cells => Key(GeneNames.Select(g => (g, cells[Array.IndexOf(gridHeader, g)]))),
            cells => double.Parse(cells[^1], CultureInfo.InvariantCulture));
        var results = File.ReadAllLines(Path.Combine(run, "results.csv"));
        var header = results[0].Split(',');
        var evaluated = results.Skip(1).Select(l => l.Split(',')).Select(cells =>
        {
            var key = Key(GeneNames.Select(g => (g, cells[Array.IndexOf(header, g)])));
            return new Network(key, double.Parse(cells[Array.IndexOf(header, "fitness")], CultureInfo.InvariantCulture),
                parameters[key]);
        }).DistinctBy(n => n.Key).ToArray();

        var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "summary.json"))).RootElement;
        var members = summary.GetProperty("front").EnumerateArray().ToArray();
        var front = members.Select(m => new Network(
            Key(m.GetProperty("genes").EnumerateObject().Select(g => (g.Name, g.Value.GetString()!))),
            m.GetProperty("validation_accuracy").GetDouble(),
            m.GetProperty("metrics").GetProperty("parameters").GetDouble())).ToArray();

        // The front is exactly the evaluated networks nothing dominates, most accurate first...
        Assert.NotEmpty(front);
        Assert.Equal(evaluated.Where(n => !evaluated.Any(o => o.Dominates(n))).Select(n => n.Key).Order(),
            front.Select(n => n.Key).Order());
        Assert.Equal(front.OrderByDescending(n => n.Accuracy).Select(n => n.Key), front.Select(n => n.Key));
        Assert.Equal(front[0].Key, Key(summary.GetProperty("best").GetProperty("genes").EnumerateObject()
            .Select(g => (g.Name, g.Value.GetString()!))));
        // ...up to five of its members (the winner first) were tested...
        var tested = members.Where(m => m.TryGetProperty("test_accuracy", out _)).ToArray();
        Assert.Equal(Math.Min(5, front.Length), tested.Length);
        Assert.True(members[0].TryGetProperty("test_accuracy", out _));
        // ...the progress lines show both metrics of each network and the front so far, the last one the final
        // front...
        var evaluatedLines = result.Stdout.Split('\n').Where(l => l.StartsWith("  evaluated ")).ToArray();
        Assert.NotEmpty(evaluatedLines);
        Assert.All(evaluatedLines, l => Assert.Matches(@"  accuracy \d+\.\d\d %  parameters [\d,]+  epochs", l));
        Assert.Matches($@"generation 4 done: .*  Pareto front {front.Length} networks", result.Stdout);
        // ...and the console and the report show it.
        Assert.Contains($"Pareto front: {front.Length} networks (accuracy maximized, parameters minimized)",
            result.Stdout);
        var html = File.ReadAllText(Path.Combine(run, "report", "index.html"));
        Assert.Contains($"Pareto front: {front.Length} networks ({tested.Length} tested", html);
        Assert.Contains("<h2>Pareto front</h2>", html);
        Assert.Contains("<th>Test acc.</th>", html);
        Assert.True(File.Exists(Path.Combine(run, "report", "pareto-front.png")));

        // The journal alone rebuilds the front and its test scores when the folder loses its summary.
        var written = CliProcess.Front(run);
        File.Delete(Path.Combine(run, "summary.json"));
        Assert.Equal(0, _cli.Run("runs").ExitCode);
        Assert.Equal(written, CliProcess.Front(run));
    }

    [Fact]
    public void The_final_front_fits_a_terminal_of_80_columns_with_each_score_whole()
    {
        _cli.Environment["COLUMNS"] = "80";
        var config = _cli.Write("two.conf",
            "actorevolve.objective { metric = [accuracy, parameters], direction = [maximize, minimize] }");
        var result = _cli.Run("search", "--fitness", $"table:{_cli.SizedGrid()}", "--config", config,
            "--population", "10", "--generations", "3", "--seed", "4", "--run-id", "narrow");
        Assert.True(result.ExitCode == 0, result.Stderr);
        var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(_cli.WorkDir, "runs", "narrow",
            "summary.json"))).RootElement;
        var members = summary.GetProperty("front").GetArrayLength();
        Assert.Matches(@"│ Val\. +│ parameters │ Test\s+│\r?\n.*│ acc\. +│ +│ +│", result.Stdout);
        // One line per member, its scores whole: accuracy, parameter count and test accuracy (when tested).
        Assert.Equal(members, Regex.Matches(result.Stdout, @"│ \d+\.\d\d % +│ [\d,]+ +│ (\d+\.\d\d %)? *│").Count);
        // Every line of the final output, not only the table's, within 80 columns; the gene names whole.
        var final = result.Stdout[result.Stdout.IndexOf("Pareto front: ", StringComparison.Ordinal)..].Split('\n');
        Assert.All(final, line => Assert.InRange(line.TrimEnd('\r').Length, 0, 80));
        Assert.Contains(final, l => Regex.IsMatch(l, @"^│ activation │ nb_ +│ nb_ +│ optimizer │"));
        Assert.Contains(final, l => Regex.IsMatch(l, @"^│ +│ layers │ neurons │ +│"));
    }
}
