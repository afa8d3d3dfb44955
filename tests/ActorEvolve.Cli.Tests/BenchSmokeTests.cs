using System.Globalization;
using System.Text.RegularExpressions;

namespace ActorEvolve.Cli.Tests;

/// <summary>The bench commands run and produce their tables (tiny sizes; the figures come from the commands).</summary>
public sealed class BenchSmokeTests : IDisposable
{
    readonly CliProcess _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public void Bench_engine_measures_each_population_with_the_journal_off_and_on()
    {
        var result = _cli.Run("bench", "engine", "--populations", "10", "30", "--generations", "2");
        Assert.True(result.ExitCode == 0, result.Stderr);
        var rows = result.Stdout.Split('\n').Where(l => l.Contains("│ 10 ") || l.Contains("│ 30 ")).ToArray();
        Assert.Equal(4, rows.Length); // two populations x (in memory, SQLite)
        Assert.Contains(rows, r => r.Contains("sqlite") && r.Contains(" ms"));
    }

    [Fact]
    public void Bench_journal_measures_journaling_cost_and_recovery()
    {
        var result = _cli.Run("bench", "journal", "--population", "10", "--generations", "3");
        Assert.True(result.ExitCode == 0, result.Stderr);
        var sqlite = Assert.Single(result.Stdout.Split('\n'), l => l.Contains("│ 10 ") && l.Contains("sqlite"));
        // the recovery time of the finished run (1,234 ms when slow)
        Assert.Matches(@"│ [\d,]+ ms\s+│$", sqlite.TrimEnd());
    }

    [Fact]
    public void Bench_exec_measures_each_program_against_in_process_and_refuses_a_failing_one_in_a_line()
    {
        var result = _cli.Run("bench", "exec", "--evaluations", "3");
        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Contains("in process (the same objective)", result.Stdout);
        Assert.Contains("shell (sh: read, echo)", result.Stdout);
        Assert.Contains("python3 (json in, json out)", result.Stdout);

        var failing = _cli.Run("bench", "exec", "--evaluations", "3", "--command", "exit 4");
        Assert.Equal(2, failing.ExitCode);
        Assert.Equal(["actorevolve: error: exit 4: exited with code 4"], failing.StderrLines);
    }

    [Fact]
    public void Bench_cluster_measures_a_configuration_with_trainer_nodes_in_a_child_process()
    {
        var result = _cli.Run("bench", "cluster", "--nodes", "1", "--slots", "2", "--evaluation-seconds", "0.05",
            "--generations", "3", "--mode", "both");
        Assert.True(result.ExitCode == 0, result.Stderr);
        var rows = result.Stdout.Split('\n').Where(l => l.Contains("│ 1x2 ")).ToArray();
        Assert.Equal(4, rows.Length); // per mode: the figures, then where the slots' time went
        foreach (var (row, mode) in rows.Where((_, i) => i % 2 == 0).Zip(["gener.", "steady"]))
            Assert.Matches($@"│ 1x2\s+│ {mode}\s+│ 0\.05 s\s+│ \d+\s+│ [\d.]+\s+│ [\d.]+\s+│ [\d.]+ ?%\s+" +
                @"│ [\d.]+ ?%\s+│ [\d.]+ ms\s+│ [\d.]+\s+│ -\s+│ -\s+│ \d+\s+│ \d+ MiB", row);
        foreach (var (row, mode) in rows.Where((_, i) => i % 2 == 1).Zip(["gener.", "steady"]))
            Assert.Matches($@"│ 1x2\s+│ {mode}\s+│ [\d.]+ ?%\s+(│ [\d.]+ ?%, \d+ / \d+ ms\s+){{2}}│", row);

        var bad = _cli.Run("bench", "cluster", "--configurations", "8by4");
        Assert.Equal(["actorevolve: error: '8by4' is not NODESxSLOTS with both at least 1 (e.g. 8x4)"],
            bad.StderrLines);
    }

    [Fact]
    public void Bench_cluster_measures_a_rung_run_on_a_grid_with_learning_curves()
    {
        var curves = Path.Combine(AppContext.BaseDirectory, "grids", "fashion-mnist-curves.csv");
        var result = _cli.Run("bench", "cluster", "--nodes", "1", "--slots", "2", "--evaluation-seconds", "0.05",
            "--generations", "3", "--grid", curves, "--rungs", "3,9", "--reduction", "3");
        Assert.True(result.ExitCode == 0, result.Stderr);
        // Every child trained to 3 epochs, the best third of them on to 9: more trainings than evaluations.
        var figures = Regex.Match(result.Stdout,
            @"│ 1x2\s+│ gener\.,\s+│ 0\.05 s\s+│ (\d+)\s+│.* MiB\s+│ (\d+)\s+│ [\d.]+ ?%\s+│");
        Assert.True(figures.Success, result.Stdout);
        Assert.True(int.Parse(figures.Groups[2].Value) > int.Parse(figures.Groups[1].Value), figures.Value);
        Assert.Matches(@"│ 1x2\s+│ gener\., rungs 3/9 η 3\s+│ [\d.]+ ?%\s+│", result.Stdout);

        Assert.Equal(["actorevolve: error: --rungs 3,8 must end at 9 epochs, the grid's curves' length"],
            _cli.Run("bench", "cluster", "--grid", curves, "--rungs", "3,8").StderrLines);
        Assert.Equal(["actorevolve: error: --rungs needs a --grid with learning curves"],
            _cli.Run("bench", "cluster", "--rungs", "3,9").StderrLines);
    }

    [Fact]
    public void Bench_train_reports_the_gemm_peak_and_every_reference_genome()
    {
        var result = _cli.Run("bench", "train", "--samples", "500", "--threads", "1");
        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Matches(@"GEMM 1024x1024, 1 thread\(s\): \d+\.\d GFLOP/s", result.Stdout);
        Assert.Equal(4, result.Stdout.Split('\n').Count(l => l.Contains("activation=") && l.Contains('%')));
    }

    [Fact]
    public void Bench_replay_writes_a_markdown_table_and_a_plot_for_each_search_method()
    {
        var result = _cli.Run("bench", "replay", "--table", _cli.SeedGrid(), "--seeds", "3", "--compare", "harvey",
            "--steady-state", "--slots", "3", "--out", "replay");
        Assert.True(result.ExitCode == 0, result.Stderr);
        var markdown = File.ReadAllLines(Path.Combine(_cli.WorkDir, "replay", "replay.md"));
        Assert.Contains(markdown, l => l.StartsWith("| GA as configured (20 x 10) |"));
        Assert.Contains(markdown, l => l.StartsWith("| GA, preset harvey |"));
        // Steady state spends its 200 births on new networks (avoid-duplicates): 200 unique evaluations.
        Assert.Contains(markdown, l => l.StartsWith("| steady-state, remove oldest (3 slots) | 200 |"));
        Assert.Contains(markdown, l => l.StartsWith("| steady-state, remove worst (3 slots) | 200 |"));
        Assert.Contains(markdown, l => l.StartsWith("| steady-state, birth order, remove oldest | 200 |"));
        Assert.Contains(markdown,
            l => l.StartsWith("Seconds to best: the grid's recorded training times on 3 simulated"));
        Assert.All(markdown.Where(l => l.StartsWith("| GA") || l.StartsWith("| steady")),
            l => Assert.Matches(@"\| (\d+|never) \|$", l)); // the seconds to the best
        Assert.Contains(markdown, l => l.StartsWith("| random search"));
        foreach (var plot in new[] { "replay.png", "replay-found.png" })
        {
            var png = File.ReadAllBytes(Path.Combine(_cli.WorkDir, "replay", plot));
            Assert.True(png.Length > 10_000, plot);
            Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png.Take(4));
        }
    }

    [Fact]
    public void Bench_replay_with_an_evaluation_cap_writes_the_peers_table()
    {
        var result = _cli.Run("bench", "replay", "--table", _cli.SeedGrid(), "--seeds", "3", "--evaluations", "150",
            "--compare", "harvey", "--out", "replay");
        Assert.True(result.ExitCode == 0, result.Stderr);
        var peers = File.ReadAllLines(Path.Combine(_cli.WorkDir, "replay", "peers.md"));
        Assert.Contains("Searches run to 150 unique evaluations.", peers);
        Assert.Contains("| Search | To best: median | p10 | p90 | To near: median | never within 117 | " +
                        "never within 300 | best after 20 | best after 50 | best after 100 |", peers);
        const string share = @"\d+\.\d%", best = @"0\.\d{4}", count = @"(\d+|never)";
        var cells = string.Concat(new[] { count, count, count, count, share, share, best, best, best }
            .Select(cell => $@" \| {cell}")) + @" \|$";
        foreach (var name in new[] { @"GA as configured \(20 x 10\)", "GA, preset harvey", "random search" })
            Assert.Contains(peers, l => System.Text.RegularExpressions.Regex.IsMatch(l, $@"^\| {name}{cells}"));

        var bad = _cli.Run("bench", "replay", "--table", _cli.SeedGrid(), "--evaluations", "0");
        Assert.Equal(["actorevolve: error: --evaluations must be at least 1"], bad.StderrLines);
    }
    [Fact]
    public void Bench_replay_with_rungs_reports_the_epochs_each_search_spent()
    {
        var grid = Path.Combine(AppContext.BaseDirectory, "grids", "fashion-mnist-curves.csv");
        var result = _cli.Run("bench", "replay", "--table", grid, "--seeds", "3", "--rungs", "3", "9", "--patience",
            "2", "--out", "replay");
        Assert.True(result.ExitCode == 0, result.Stderr);
        var markdown = File.ReadAllLines(Path.Combine(_cli.WorkDir, "replay", "replay.md"));
        Assert.Contains(markdown, l => l.EndsWith("| Epochs per run (median) | Epochs to best: median | p90 |"));
        var plain = Epochs(markdown, "| GA as configured (20 x 10) |");
        var rungs = Epochs(markdown, "| GA as configured, rungs 3/9 epochs, η = 3 (4 slots) |");
        var asMany = Epochs(markdown, "| GA, rungs 3/9 epochs, η = 3 (4 slots), as many epochs |");
        // Rungs stop most children after 3 of 9 epochs; given the plain GA's epochs, they breed on to spend them.
        Assert.InRange(rungs, 1, plain * 0.8);
        Assert.InRange(asMany, plain, plain * 1.2);

        string[][] refused = [
            ["--table", grid, "--rungs", "3", "9"],
            ["--table", _cli.SeedGrid(), "--rungs", "3", "9", "--patience", "1"],
            ["--table", grid, "--rungs", "1", "3", "--patience", "2"],
            ["--table", grid, "--rungs", "3", "3", "9", "--patience", "2"],
        ];
        string[] expected = [
            "--rungs needs --patience", "--rungs needs a grid with learning curves",
            "the last rung (3 epochs) is full training, but the grid's learning curves run to 9 epochs",
            "--rungs/--reduction: rungs must be ascending epochs",
        ];
        foreach (var (args, line) in refused.Zip(expected))
        {
            var bad = _cli.Run(["bench", "replay", .. args]);
            Assert.Equal(2, bad.ExitCode);
            Assert.Contains(line, Assert.Single(bad.StderrLines));
        }
    }

    [Fact]
    public void Bench_replay_with_rungs_takes_genomes_that_failed_when_the_grid_was_recorded()
    {
        // every fourth network after the best failed (its curve cells kept: a failed row's numbers are not read)
        var lines = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "grids", "fashion-mnist-curves.csv"));
        var path = _cli.Write("failed.csv", string.Join('\n', lines.Select((line, i) =>
            i > 1 && i % 4 == 0 ? line.Replace(",ok,", ",failed,") : line)));
        var result = _cli.Run("bench", "replay", "--table", path, "--seeds", "3", "--rungs", "3", "9", "--patience",
            "2", "--out", "replay");
        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Contains(File.ReadAllLines(Path.Combine(_cli.WorkDir, "replay", "replay.md")),
            l => l.StartsWith("| GA as configured, rungs 3/9 epochs, η = 3 (4 slots) |"));
    }

    [Fact]
    public void Bench_replay_refuses_a_grid_where_every_genome_failed_in_one_line()
    {
        var failed = File.ReadAllLines(_cli.SeedGrid()).Skip(1).Select(row => string.Join(',', row.Split(',')[..4]))
            .Select(genes => $"{genes},0,failed");
        var path = _cli.Write("failed.csv",
            string.Join('\n', ["activation,nb_layers,nb_neurons,optimizer,fitness,status", .. failed]));
        var refused = _cli.Run("bench", "replay", "--table", path, "--seeds", "2");
        Assert.Equal(2, refused.ExitCode);
        Assert.EndsWith("every genome of the grid failed to train: there is no best to find",
            Assert.Single(refused.StderrLines));
    }

    /// <summary>The "epochs per run" cell of a search's row in replay.md.</summary>
    static double Epochs(string[] markdown, string row) =>
        double.Parse(markdown.Single(l => l.StartsWith(row)).Split('|', StringSplitOptions.TrimEntries)[^4],
            CultureInfo.InvariantCulture);
}
