using System.Text.RegularExpressions;
using ActorEvolve.Engine.Configuration;
using ActorEvolve.Engine.Persistence;

namespace ActorEvolve.Cli.Tests;

/// <summary>A run with rungs (successive halving per generation) killed with SIGKILL and resumed, as in
/// <see cref="ResumeTests"/>: the real CLI on the recorded grid with learning curves, a table delay so that kills land
/// while rung trials train.</summary>
public sealed partial class RungResumeTests : IDisposable
{
    readonly CliProcess _cli = new();

    public void Dispose() => _cli.Dispose();

    const int Generations = 5;

    /// <summary>Rungs of 3 and 9 epochs, η = 3; a whole recorded training waits 900 ms, so a first rung 300 ms and a
    /// promotion from it 600 ms.</summary>
    string[] RungSearch(string runId, params string[] extra)
    {
        var grid = Path.Combine(_cli.WorkDir, "curves.csv");
        File.Copy(Path.Combine(AppContext.BaseDirectory, "grids", "fashion-mnist-curves.csv"), grid, overwrite: true);
        return
        [
            "search", "--fitness", $"table:{grid}", "--config", _cli.Write("rungs.conf", """
                actorevolve.table-delay = 900ms
                actorevolve.table-patience = 2
                actorevolve.ga { rungs = [3, 9], reduction = 3 }
                """),
            "--population", "12", "--generations", $"{Generations}", "--seed", "9", "--slots", "2", "--run-id", runId,
            .. extra,
        ];
    }

    /// <summary>Every evaluation's generation, genes, scores, epochs, rung and partial mark (not its timings or
    /// trainer), in a stable order.</summary>
    static string[] Evaluations(string run) => File.ReadAllLines(Path.Combine(run, "results.csv")).Skip(1)
        .Select(r => r.Split(','))
        .Select(cells => string.Join(",", [.. cells.Take(9), .. cells.TakeLast(2)])).Order().ToArray();

    /// <summary>The rung trials a process's plain output reports, each as (generation, genome, rung): a trial's line
    /// is printed only once the trial is journaled.</summary>
    static List<(int Generation, string Genome, int Rung)> RungLines(string output)
    {
        var trials = new List<(int, string, int)>();
        var generation = -1;
        foreach (var line in output.Split('\n'))
        {
            if (GenerationLine().Match(line) is { Success: true } started)
                generation = int.Parse(started.Groups[1].Value) - 1;
            else if (RungLine().Match(line) is { Success: true } trial)
                trials.Add((generation, trial.Groups[2].Value, int.Parse(trial.Groups[1].Value)));
        }
        return trials;
    }

    [GeneratedRegex(@"^generation (\d+)/\d+: ")]
    private static partial Regex GenerationLine();

    [GeneratedRegex(@"^  rung (\d+) +(\S+)  ")]
    private static partial Regex RungLine();

    /// <summary>The rung trials the journal holds for the run's generations not yet settled when it was read.</summary>
    static async Task<HashSet<(int Generation, string Genome, int Rung)>> JournaledTrials(string runId,
        JournalSettings journal)
    {
        await using var reader = JournalReader.Open(HoconLoader.Load(), journal);
        var run = await reader.ReadAsync(runId);
        return Enumerable.Range(0, Generations).SelectMany(run.RungTrials)
            .Select(t => (t.Fitness.Generation, t.Fitness.Genome, t.Rung)).ToHashSet();
    }

    [Fact]
    public void Auto_rungs_on_a_table_end_at_its_longest_learning_curve_which_the_run_keeps_for_resume()
    {
        var grid = Path.Combine(AppContext.BaseDirectory, "grids", "fashion-mnist-curves.csv");
        string[] search = ["search", "--fitness", $"table:{grid}", "--config", _cli.Write("auto.conf", """
            actorevolve.table-delay = 200ms
            actorevolve.ga { rungs = auto, reduction = 3 }
            """), "--population", "12", "--generations", "2", "--seed", "9", "--run-id", "auto"];
        _cli.RunAndKill(l => l.StartsWith("generation 1 done"), 1, search);
        var run = Path.Combine(_cli.WorkDir, "runs", "auto");
        Assert.Contains("actorevolve.table-max-epochs = 9", File.ReadAllLines(Path.Combine(run, "run.conf")));
        var resumed = _cli.Run("resume", "auto");
        Assert.True(resumed.ExitCode == 0, resumed.Stderr);
        // Up to three rungs ending at the full budget (as for the MLP's max-epochs): 9 / 3², 9 / 3 and 9.
        Assert.Equal([1, 3, 9], ResumeTests.Summary(run).GetProperty("rungs").GetProperty("epochs").EnumerateArray()
            .Select(e => e.GetInt32()));
        Assert.Equal("completed", ResumeTests.Summary(run).GetProperty("status").GetString());
    }

    static string RungOutcome(string run)
    {
        var rungs = ResumeTests.Summary(run).GetProperty("rungs");
        var total = rungs.GetProperty("total");
        return string.Join(" ", [rungs.GetProperty("epochs").GetRawText(),
            .. new[] { "reached", "partial", "epochs_full" }.Select(p => total.GetProperty(p).GetRawText())]);
    }

    [SkippableTheory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Killed_mid_rung_and_resumed_a_rung_run_ends_as_if_never_interrupted_and_trains_no_rung_twice(
        bool postgres)
    {
        var url = Environment.GetEnvironmentVariable("ACTOREVOLVE_TEST_POSTGRES");
        Skip.If(postgres && url is null, "no PostgreSQL server: set ACTOREVOLVE_TEST_POSTGRES (as .ci/run does)");
        var id = postgres ? $"pg-rungs-{Guid.NewGuid():N}" : "crashed"; // a database outlives this test
        string[] journalFlag = postgres ? ["--journal", url!] : [];
        var journal = JournalSettings.From(postgres ? url! : "", Path.Combine(_cli.WorkDir, "runs"));

        var reference = _cli.Run(RungSearch("reference"));
        Assert.True(reference.ExitCode == 0, reference.Stderr);

        // Killed four times: after a few first rungs of generation 1, after its first promotion (mid-rung, with a
        // checkpoint to continue from), right after generation 3 ended, and mid-rung in the last generation.
        var inLastGeneration = false;
        var kills = new (Func<string, bool> After, int Times)[]
        {
            (l => l.StartsWith("  rung 1 "), 1),
            (l => l.StartsWith("generation 3 done"), 1),
            (l => (inLastGeneration |= l.StartsWith($"generation {Generations}/")) && l.StartsWith("  rung "), 2),
        };
        var outputs = new List<string>
            { _cli.RunAndKill(l => l.StartsWith("  rung 0 "), 4, RungSearch(id, journalFlag)) };
        var journaledAtKill = new List<HashSet<(int, string, int)>> { await JournaledTrials(id, journal) };
        foreach (var (after, times) in kills)
        {
            outputs.Add(_cli.RunAndKill(after, times, ["resume", id, .. journalFlag]));
            journaledAtKill.Add(await JournaledTrials(id, journal));
        }
        var resumed = _cli.Run(["resume", id, .. journalFlag]);
        Assert.True(resumed.ExitCode == 0, resumed.Stderr);
        outputs.Add(resumed.Stdout);

        // No trial journaled before a kill (its line printed, or found in the journal after the kill) is trained
        // again by a later process, and none is reported twice by one process.
        Assert.Contains(journaledAtKill, trials => trials.Count > 0); // a kill found unsettled rungs to check
        var journaled = new HashSet<(int, string, int)>();
        foreach (var (output, process) in outputs.Select((o, i) => (o, i)))
        {
            var trials = RungLines(output);
            Assert.Equal(trials.Count, trials.Distinct().Count());
            Assert.DoesNotContain(trials, journaled.Contains);
            if (process > 0) Assert.Contains("evaluations recovered from the journal, none will be repeated", output);
            journaled.UnionWith(trials);
            if (process < journaledAtKill.Count) journaled.UnionWith(journaledAtKill[process]);
        }

        var (expected, actual) =
            (Path.Combine(_cli.WorkDir, "runs", "reference"), Path.Combine(_cli.WorkDir, "runs", id));
        // The same evaluations, rungs and partial marks in the same generations, the same generations and winner.
        Assert.Contains(Evaluations(actual), e => e.EndsWith(",1,false"));
        Assert.Contains(Evaluations(actual), e => e.EndsWith(",0,true"));
        Assert.Equal(Evaluations(expected), Evaluations(actual));
        Assert.Equal(ResumeTests.Generations(expected), ResumeTests.Generations(actual));
        Assert.Equal(ResumeTests.Summary(expected).GetProperty("best").GetProperty("genes").ToString(),
            ResumeTests.Summary(actual).GetProperty("best").GetProperty("genes").ToString());
        // The same genomes reached each rung, the same were partial, full training would have cost the same; the
        // epochs trained are what the schedule cost, which the kills changed (an early promotion that fell out in one
        // process need not happen in another).
        Assert.Equal(RungOutcome(expected), RungOutcome(actual));
        Assert.Equal("completed", ResumeTests.Summary(actual).GetProperty("status").GetString());
    }
}
