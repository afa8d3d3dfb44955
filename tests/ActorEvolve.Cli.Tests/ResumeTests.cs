using System.Text.Json;

namespace ActorEvolve.Cli.Tests;

/// <summary>Crash and resume as a user lives it: the real CLI, killed with SIGKILL, resumed from its SQLite
/// journal.</summary>
public sealed class ResumeTests : IDisposable
{
    readonly CliProcess _cli = new();

    public void Dispose() => _cli.Dispose();

    string[] TableSearch(string runId, params string[] extra) => TableSearch(runId, twoObjectives: false, extra);

    /// <param name="twoObjectives">Accuracy against parameter count (a grid with a parameters column).</param>
    string[] TableSearch(string runId, bool twoObjectives, params string[] extra) =>
    [
        "search", "--fitness", $"table:{(twoObjectives ? _cli.SizedGrid() : _cli.SeedGrid())}",
        "--config", _cli.Write("delay.conf", "actorevolve.table-delay = 100ms\n" + (twoObjectives
            ? "actorevolve.objective { metric = [accuracy, parameters], direction = [maximize, minimize] }" : "")),
        "--population", "12", "--generations", "5", "--seed", "9", "--slots", "2", "--run-id", runId, .. extra,
    ];

    static string[] Rows(string csv) => File.ReadAllLines(csv).Skip(1).ToArray();

    /// <summary>(generation, genome genes, fitness) of every evaluation, in a stable order.</summary>
    static string[] Evaluations(string run) =>
        Rows(Path.Combine(run, "results.csv")).Select(r => string.Join(",", r.Split(',').Take(6))).Order().ToArray();

    internal static JsonElement Summary(string run) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "summary.json"))).RootElement;

    /// <summary>Each generation's statistics, without its timings (which differ from run to run).</summary>
    internal static string[] Generations(string run) => Summary(run).GetProperty("generations").EnumerateArray()
        .Select(g => string.Join(",", new[] { "generation", "best", "mean", "worst", "trained", "cached", "failed" }
            .Select(p => g.GetProperty(p).ToString()))).ToArray();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Killed_at_any_point_and_resumed_a_run_ends_as_if_never_interrupted(bool twoObjectives)
    {
        var reference = _cli.Run(TableSearch("reference", twoObjectives));
        Assert.True(reference.ExitCode == 0, reference.Stderr);

        // One run, killed four times: during generation 0, mid-generation, right after a generation boundary,
        // and during the last generation; resumed after each kill.
        _cli.RunAndKill(l => l.StartsWith("  evaluated"), 3, TableSearch("crashed", twoObjectives));
        var status = _cli.Run("runs");
        Assert.Contains("interrupted", status.Stdout);
        var kills = new (Func<string, bool> After, int Times)[]
        {
            (l => l.StartsWith("  evaluated"), 8),
            (l => l.StartsWith("generation 3 done"), 1),
            (l => l.StartsWith("generation 5/5"), 1),
        };
        foreach (var (after, times) in kills)
            _cli.RunAndKill(after, times, "resume", "crashed");
        var resumed = _cli.Run("resume", "crashed");
        Assert.True(resumed.ExitCode == 0, resumed.Stderr);

        var (expected, actual) =
            (Path.Combine(_cli.WorkDir, "runs", "reference"), Path.Combine(_cli.WorkDir, "runs", "crashed"));
        // The same evaluations in the same generations: the same populations, generation by generation...
        Assert.Equal(Evaluations(expected), Evaluations(actual));
        // ...no genome evaluated twice, across four kills...
        var genomes = Rows(Path.Combine(actual, "results.csv"))
            .Select(r => string.Join(",", r.Split(',').Skip(1).Take(4))).ToArray();
        Assert.Equal(genomes.Length, genomes.Distinct().Count());
        // ...and the same generations and winner.
        Assert.Equal(Generations(expected), Generations(actual));
        Assert.Equal(Summary(expected).GetProperty("best").GetProperty("genes").ToString(),
            Summary(actual).GetProperty("best").GetProperty("genes").ToString());
        Assert.Equal(Summary(expected).GetProperty("test_accuracy").GetDouble(),
            Summary(actual).GetProperty("test_accuracy").GetDouble());
        Assert.Equal("completed", Summary(actual).GetProperty("status").GetString());
        // Two objectives: the same Pareto front, its tested members with the same test scores.
        Assert.Equal(twoObjectives, Summary(actual).TryGetProperty("front", out _));
        if (twoObjectives) Assert.Equal(CliProcess.Front(expected), CliProcess.Front(actual));
    }

    /// <summary>The same against a real PostgreSQL server: .ci/run starts one and sets
    /// ACTOREVOLVE_TEST_POSTGRES.</summary>
    [SkippableFact]
    public void Killed_and_resumed_against_postgresql_the_run_ends_as_if_never_interrupted()
    {
        var url = Environment.GetEnvironmentVariable("ACTOREVOLVE_TEST_POSTGRES");
        Skip.If(url is null, "no PostgreSQL server: set ACTOREVOLVE_TEST_POSTGRES (as .ci/run does)");
        Assert.Equal(0, _cli.Run(TableSearch("reference")).ExitCode);

        var id = $"pg-{Guid.NewGuid():N}"; // the database outlives this test
        _cli.RunAndKill(l => l.StartsWith("  evaluated"), 5, TableSearch(id, "--journal", url!));
        _cli.RunAndKill(l => l.StartsWith("generation 3 done"), 1, "resume", id, "--journal", url!);
        var resumed = _cli.Run("resume", id, "--journal", url!);
        Assert.True(resumed.ExitCode == 0, resumed.Stderr);
        var (expected, actual) =
            (Path.Combine(_cli.WorkDir, "runs", "reference"), Path.Combine(_cli.WorkDir, "runs", id));
        Assert.StartsWith("postgres://127.0.0.1:5432/",
            Summary(actual).GetProperty("config").GetProperty("journal").GetString());
        Assert.False(File.Exists(Path.Combine(_cli.WorkDir, "runs", id, "actorevolve.db")));
        Assert.Equal(Evaluations(expected), Evaluations(actual));
        Assert.Equal(Summary(expected).GetProperty("best").GetProperty("genes").ToString(),
            Summary(actual).GetProperty("best").GetProperty("genes").ToString());
    }

    [Fact]
    public void A_real_training_run_killed_mid_generation_resumes_to_the_same_winner()
    {
        string[] Search(string id) =>
        [
            "search", "--config", _cli.TinyBudgetConfig(), "--population", "4", "--generations", "3", "--seed", "4",
            "--run-id", id,
        ];
        var reference = _cli.Run(Search("reference"));
        Assert.True(reference.ExitCode == 0, reference.Stderr);

        _cli.RunAndKill(l => l.StartsWith("  evaluated"), 2, Search("crashed"));
        var resumed = _cli.Run("resume", "crashed");
        Assert.True(resumed.ExitCode == 0, resumed.Stderr);
        // Killed after its second evaluation; on a loaded machine more may be journaled before SIGKILL lands, even
        // the whole of generation 1, so the resumed generation is not fixed.
        Assert.Matches(@"resumed in generation [12]: ", resumed.Stdout);
        Assert.Contains("evaluations recovered from the journal, none will be repeated", resumed.Stdout);

        var (expected, actual) = (Summary(Path.Combine(_cli.WorkDir, "runs", "reference")),
            Summary(Path.Combine(_cli.WorkDir, "runs", "crashed")));
        Assert.Equal(expected.GetProperty("best").GetProperty("genes").ToString(),
            actual.GetProperty("best").GetProperty("genes").ToString());
        Assert.Equal(expected.GetProperty("best").GetProperty("validation_accuracy").GetDouble(),
            actual.GetProperty("best").GetProperty("validation_accuracy").GetDouble());
        Assert.Equal(expected.GetProperty("test_accuracy").GetDouble(),
            actual.GetProperty("test_accuracy").GetDouble());
    }

    /// <summary>SIGTERM (what kill, systemd and container runtimes send) takes the same path as a first Ctrl-C.
    /// (SIGINT itself is not sent here: a process started from a background job inherits it as ignored.)</summary>
    [Fact]
    public void A_stop_signal_stops_gracefully_and_the_run_resumes()
    {
        using var process = _cli.Start(TableSearch("interrupted"));
        while (process.StandardOutput.ReadLine() is { } line && !line.StartsWith("generation 2/5")) { }
        using (var stop = System.Diagnostics.Process.Start("kill", ["-TERM", process.Id.ToString()]))
            stop.WaitForExit();
        var stderr = process.StandardError.ReadToEnd();
        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(60)), "the run did not stop");
        Assert.Equal(130, process.ExitCode);
        Assert.Contains("actorevolve resume interrupted", stderr);

        var resumed = _cli.Run("resume", "interrupted");
        Assert.True(resumed.ExitCode == 0, resumed.Stderr);
        Assert.Equal("completed",
            Summary(Path.Combine(_cli.WorkDir, "runs", "interrupted")).GetProperty("status").GetString());
    }

    /// <summary>A finished table-fitness run to try bad resumes against.</summary>
    string FinishedRun(string runId)
    {
        var result = _cli.Run(TableSearch(runId));
        Assert.True(result.ExitCode == 0, result.Stderr);
        return Path.Combine(_cli.WorkDir, "runs", runId);
    }

    void AssertRejected(CliProcess.Result result, string expected)
    {
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(expected, Assert.Single(result.StderrLines));
    }

    [Fact]
    public void Resuming_an_unknown_or_finished_run_is_a_one_line_error()
    {
        FinishedRun("done");
        var journal = Path.Combine(_cli.WorkDir, "runs", "actorevolve.db");
        var before = File.ReadAllBytes(journal);
        AssertRejected(_cli.Run("resume", "nope"), "there is no run 'nope'");
        AssertRejected(_cli.Run("resume", "done"), "run 'done' has already finished");
        Assert.Equal(before, File.ReadAllBytes(journal));
    }

    [Fact]
    public void Resuming_with_another_search_space_is_refused_and_changes_nothing()
    {
        _cli.RunAndKill(l => l.StartsWith("  evaluated"), 2, TableSearch("run"));
        // The kill may come before the folder caught up with the journal: any command brings it up to date first.
        Assert.Equal(0, _cli.Run("runs").ExitCode);
        var results = File.ReadAllText(Path.Combine(_cli.WorkDir, "runs", "run", "results.csv"));
        var narrower = _cli.Write("narrow.conf", "actorevolve.search-space.optimizer = [adam, sgd]");
        AssertRejected(_cli.Run("resume", "run", "--config", narrower), "was started with another search space");
        Assert.Equal(results, File.ReadAllText(Path.Combine(_cli.WorkDir, "runs", "run", "results.csv")));
        Assert.Equal(0, _cli.Run("resume", "run").ExitCode); // and it still resumes as it was
    }

    [Fact]
    public void Resuming_a_two_objective_run_with_one_objective_is_refused_and_changes_nothing()
    {
        _cli.RunAndKill(l => l.StartsWith("  evaluated"), 2, TableSearch("two", twoObjectives: true));
        Assert.Equal(0, _cli.Run("runs").ExitCode); // brings the folder up to the journal
        var results = File.ReadAllText(Path.Combine(_cli.WorkDir, "runs", "two", "results.csv"));
        var one = _cli.Write("one.conf", "actorevolve.objective { metric = accuracy, direction = maximize }");
        AssertRejected(_cli.Run("resume", "two", "--config", one),
            "run 'two' was started to maximize accuracy and minimize parameters; it resumes only with that objective");
        Assert.Equal(results, File.ReadAllText(Path.Combine(_cli.WorkDir, "runs", "two", "results.csv")));
        Assert.Equal(0, _cli.Run("resume", "two").ExitCode);
    }

    [Fact]
    public void A_missing_or_corrupt_journal_is_a_one_line_error()
    {
        _cli.RunAndKill(l => l.StartsWith("  evaluated"), 2, TableSearch("run"));
        var journal = Path.Combine(_cli.WorkDir, "runs", "actorevolve.db");
        var saved = File.ReadAllBytes(journal);
        File.Move(journal, journal + ".away");
        AssertRejected(_cli.Run("resume", "run"), "journal not found");
        File.WriteAllText(journal, "this is not a database, it is a text file that lost its way");
        AssertRejected(_cli.Run("resume", "run"), "cannot open the journal");
        File.WriteAllBytes(journal, saved);
    }
}
