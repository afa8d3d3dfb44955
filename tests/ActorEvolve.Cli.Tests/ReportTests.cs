using ActorEvolve.Cli.Report;
using ActorEvolve.Core.Evolution;
using ActorEvolve.Core.Fitness;
using ActorEvolve.Engine.Results;

namespace ActorEvolve.Cli.Tests;

/// <summary>The report: charts a person can look at, for finished and interrupted runs.</summary>
public sealed class ReportTests : IDisposable
{
    readonly CliProcess _cli = new();

    public void Dispose() => _cli.Dispose();

    string[] Search(string runId) =>
    [
        "search", "--fitness", $"table:{_cli.SeedGrid()}", "--population", "10", "--generations", "3", "--seed", "2",
        "--run-id", runId,
    ];

    static void AssertDecodablePngs(string report, int atLeast)
    {
        var pngs = Directory.GetFiles(report, "*.png");
        Assert.True(pngs.Length >= atLeast, $"{pngs.Length} charts");
        foreach (var png in pngs)
        {
            using var bitmap = SkiaSharp.SKBitmap.Decode(png);
            Assert.True(bitmap is { Width: 900, Height: 450 }, png);
        }
    }

    [Fact]
    public void A_completed_run_gets_an_html_report_with_every_chart_embedded()
    {
        var result = _cli.Run(Search("done"));
        Assert.True(result.ExitCode == 0, result.Stderr);
        var report = Path.Combine(_cli.WorkDir, "runs", "done", "report");
        Assert.Contains($"Report: {Path.Combine(report, "index.html")}", result.Stdout);

        // fitness per generation, gene frequencies and fitness by value for each of the 4 genes, the slot timeline
        AssertDecodablePngs(report, 1 + 2 * 4 + 1);
        var html = File.ReadAllText(Path.Combine(report, "index.html"));
        Assert.Equal(Directory.GetFiles(report, "*.png").Length, html.Split("src=\"data:image/png;base64,").Length - 1);
        Assert.Contains("Status: completed", html);
        Assert.Contains("<th>Val. acc.</th>", html);
        Assert.Contains("<th>Parameters</th>", html);
    }

    [Fact]
    public void A_steady_state_run_s_report_counts_rounds_not_generations_and_shows_the_population_s_age()
    {
        var steady = _cli.Write("steady.conf", "actorevolve.ga.mode = steady-state");
        var result = _cli.Run([.. Search("steady"), "--config", steady]);
        Assert.True(result.ExitCode == 0, result.Stderr);
        // Its length is births, not the generations setting (which counts them with evaluations = 0).
        Assert.Contains(": population 10, 30 births (3 rounds), seed 2, ", result.Stdout);
        var html = File.ReadAllText(Path.Combine(_cli.WorkDir, "runs", "steady", "report", "index.html"));
        Assert.Contains("Validation accuracy per round", html);
        Assert.Contains(" rounds, ", html);
        Assert.DoesNotContain("generation", html);
        // The population's age, as the live view shows it, round by round: ten members born at ten different births
        // (how young the youngest is depends on how many children were in training when the round started).
        var age = System.Text.RegularExpressions.Regex.Match(html, "Population age at the start of round 3 \\(births " +
            "since each member&#39;s own\\): youngest (\\d+), median (\\d+), oldest (\\d+)");
        Assert.True(age.Success, "no population age");
        var (youngest, median, oldest) = (int.Parse(age.Groups[1].Value), int.Parse(age.Groups[2].Value),
            int.Parse(age.Groups[3].Value));
        Assert.True(youngest <= median && median <= oldest && oldest - youngest >= 9, age.Value);
        Assert.Contains("<h2>Population age at the start of each round", html);
    }

    [Fact]
    public void A_run_minimising_parameters_charts_parameters_per_generation_not_accuracy()
    {
        var objective = _cli.Write("size.conf", "actorevolve.objective { metric = parameters, direction = minimize }");
        var result = _cli.Run("search", "--fitness", $"table:{_cli.SizedGrid()}", "--population", "10",
            "--generations", "3", "--seed", "2", "--run-id", "size", "--config", objective);
        Assert.True(result.ExitCode == 0, result.Stderr);
        var html = File.ReadAllText(Path.Combine(_cli.WorkDir, "runs", "size", "report", "index.html"));
        Assert.Contains("<h2>parameters per generation</h2>", html);
        Assert.DoesNotContain("Validation accuracy per", html);
    }

    /// <summary>A run minimising a program's loss: the by-value charts, the winner and the tables show the loss, its
    /// best the lowest, as the dashboard does; none of them reads it as an accuracy.</summary>
    [Fact]
    public void A_run_minimising_a_loss_reports_the_loss_by_value_its_lowest_best_and_the_winner_s_loss()
    {
        static Evaluation Evaluated(string neurons, double loss, bool failed = false) => new(0,
            new Dictionary<string, string> { ["nb_neurons"] = neurons }, loss, 1, "n/c1", failed, null,
            new Dictionary<string, double> { ["loss"] = loss, ["accuracy"] = 0.8 });
        var winner = new GenomeReport(new Dictionary<string, string> { ["nb_neurons"] = "128" }, 0.25, 0.25, 3, 1,
            "n/c1", new Dictionary<string, double> { ["loss"] = 0.25, ["accuracy"] = 0.8 });
        var summary = new RunSummary("loss", "completed", 1, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, 10,
            new SummarySettings(new GaSettings(), "exec:x", 1, "sqlite", new Objective("loss", Maximize: false)),
            ["nb_neurons"], 5, winner, TestAccuracy: 0.3125, TestLoss: null, Model: null, Generations: [],
            Top: [winner]);
        var report = new RunReport("loss", summary, ["nb_neurons"], [
            Evaluated("64", 0.5), Evaluated("64", 0.3), Evaluated("128", 0.25), Evaluated("128", 0.45),
            Evaluated("256", 0, failed: true),
        ]);

        // 256 only failed: no bar of 0, which would read as the best loss.
        Assert.Equal([("64", 0.4, 0.3), ("128", 0.35, 0.25)], ReportWriter.ScoresByValue(report, "nb_neurons")
            .Select(s => (s.Value, Math.Round(s.Mean, 6), s.Best)));
        var markdown = File.ReadAllText(ReportWriter.Write(report, Path.Combine(_cli.WorkDir, "report"), true));
        Assert.Contains("## nb_neurons: loss by value (mean and best)", markdown);
        Assert.Contains("- Winner: nb_neurons 128: validation loss 0.25, test loss 0.3125", markdown);
        Assert.Contains("| # | nb_neurons | loss | Epochs | Seconds | Parameters | accuracy |", markdown);
        Assert.Contains("| 1 | 128 | 0.25 | 3 |", markdown);
        Assert.DoesNotContain("%", markdown);
        Assert.DoesNotContain("accuracy by", markdown);
    }

    [Fact]
    public void An_interrupted_run_gets_a_markdown_report_on_demand()
    {
        // Counted once the run folder has its summary: the live lines can run ahead of the results writer.
        var summary = Path.Combine(_cli.WorkDir, "runs", "cut", "summary.json");
        _cli.RunAndKill(l => l.StartsWith("  evaluated") && File.Exists(summary), 12, Search("cut"));
        var result = _cli.Run("report", "cut", "--format", "md");
        Assert.True(result.ExitCode == 0, result.Stderr);
        var report = Path.Combine(_cli.WorkDir, "runs", "cut", "report");
        var markdown = File.ReadAllText(Path.Combine(report, "summary.md"));
        Assert.Contains("Status: interrupted", markdown);
        foreach (var png in Directory.GetFiles(report, "*.png"))
            Assert.Contains($"]({Path.GetFileName(png)})", markdown);
        AssertDecodablePngs(report, 9);

        var unknown = _cli.Run("report", "nope");
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("there is no run 'nope'", Assert.Single(unknown.StderrLines));
    }

    [Theory]
    [InlineData("", "results.csv: empty results file (no header row)")]
    [InlineData("generation,activation,fitness\n0,relu,0.5\n", "results.csv: no column 'seconds'")]
    [InlineData("generation,activation,fitness,seconds,trainer,status\n0,relu,0.5,1\n",
        "results.csv:2: expected 6 cells (as the header has), found 4")]
    [InlineData("generation,activation,fitness,seconds,trainer,status\nx,relu,0.5,1,t,ok\n",
        "results.csv:2: column 'generation': 'x' is not a whole number")]
    [InlineData("generation,activation,fitness,seconds,trainer,status\n0,\"relu,0.5,1,t,ok\n",
        "results.csv:2: malformed CSV")]
    public void An_empty_or_malformed_results_csv_is_refused_in_one_line(string results, string expected)
    {
        _cli.Write(Path.Combine("runs", "bad", "results.csv"), results);
        var refused = _cli.Run("report", "bad");
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains(expected, Assert.Single(refused.StderrLines));
        Assert.False(Directory.Exists(Path.Combine(_cli.WorkDir, "runs", "bad", "report")));
    }
}
