using System.Text.RegularExpressions;
using ActorEvolve.Engine.Configuration;
using ActorEvolve.Engine.Persistence;

namespace ActorEvolve.Cli.Tests;

/// <summary>Runs with rungs (successive halving per generation, and ASHA in steady state) killed with SIGKILL and
/// resumed, as in <see cref="ResumeTests"/>: the real CLI on the recorded grid with learning curves, a table delay so
/// that kills land while rung trials train.</summary>
public sealed partial class RungResumeTests : IDisposable
{
    readonly CliProcess _cli = new();

    public void Dispose() => _cli.Dispose();

    const int Generations = 5;

    /// <summary>A steady-state run's births.</summary>
    const int Births = 36;

    /// <summary>Rungs of 3 and 9 epochs, η = 3; a whole recorded training waits 900 ms, so a first rung 300 ms and a
    /// promotion from it 600 ms. <paramref name="steady"/>: ASHA in steady state, 36 births of distinct genomes.
    /// </summary>
    string[] RungSearch(string runId, bool steady, params string[] extra)
    {
        var grid = Path.Combine(_cli.WorkDir, "curves.csv");
        File.Copy(Path.Combine(AppContext.BaseDirectory, "grids", "fashion-mnist-curves.csv"), grid, overwrite: true);
        return
        [
            "search", "--fitness", $"table:{grid}", "--config", _cli.Write("rungs.conf", $$"""
                actorevolve.table-delay = 900ms
                actorevolve.table-patience = 2
                actorevolve.ga { rungs = [3, 9], reduction = 3 }
                {{(steady ? $"actorevolve.ga {{ mode = steady-state, evaluations = {Births}, " +
                            "initial-population = grid }" : "")}}
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
    /// is printed only once the trial is journaled. A steady-state run's generation is −1 throughout.</summary>
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

    /// <summary>The rung trials the journal holds: for the run's generations not yet settled when it was read, or a
    /// steady-state run's rung results (generation −1, as <see cref="RungLines"/> reads them).</summary>
    static async Task<HashSet<(int Generation, string Genome, int Rung)>> JournaledTrials(string runId,
        JournalSettings journal, bool steady = false)
    {
        await using var reader = JournalReader.Open(HoconLoader.Load(), journal);
        var run = await reader.ReadAsync(runId);
        return steady
            ? run.Facts.Where(f => f.Result.Rung is not null).Select(f => (-1, f.Genome.Key, f.Result.Rung!.Value))
                .ToHashSet()
            : Enumerable.Range(0, Generations).SelectMany(run.RungTrials)
                .Select(t => (t.Fitness.Generation, t.Fitness.Genome, t.Rung)).ToHashSet();
    }

    /// <summary>Runs <paramref name="id"/>, killed after <paramref name="first"/>'s lines and then resumed and killed
    /// after each of <paramref name="kills"/>, then resumed to its end; asserts that no trial journaled before a kill
    /// (its line printed, or found in the journal after the kill) is trained again by a later process, and none is
    /// reported twice by one process. Returns every trial journaled.</summary>
    async Task<HashSet<(int, string, int)>> KilledAndResumed(string id, bool steady, string[] journalFlag,
        JournalSettings journal, (Func<string, bool> After, int Times) first,
        params (Func<string, bool> After, int Times)[] kills)
    {
        var outputs = new List<string>
            { _cli.RunAndKill(first.After, first.Times, RungSearch(id, steady, journalFlag)) };
        var journaledAtKill = new List<HashSet<(int, string, int)>> { await JournaledTrials(id, journal, steady) };
        foreach (var (after, times) in kills)
        {
            outputs.Add(_cli.RunAndKill(after, times, ["resume", id, .. journalFlag]));
            journaledAtKill.Add(await JournaledTrials(id, journal, steady));
        }
        var resumed = _cli.Run(["resume", id, .. journalFlag]);
        Assert.True(resumed.ExitCode == 0, resumed.Stderr);
        outputs.Add(resumed.Stdout);

        var journaled = new HashSet<(int, string, int)>();
        foreach (var (output, process) in outputs.Select((o, i) => (o, i)))
        {
            var trials = RungLines(output);
            Assert.Equal(trials.Count, trials.Distinct().Count());
            Assert.DoesNotContain(trials, journaled.Contains);
            // A steady-state run's results are its rung trials, a generational one's its children's.
            if (process > 0)
                Assert.Matches((steady ? @"\d+ rung trials of \d+ births" : "evaluations") +
                               " recovered from the journal, none will be repeated", output);
            journaled.UnionWith(trials);
            if (process < journaledAtKill.Count) journaled.UnionWith(journaledAtKill[process]);
        }
        Assert.Contains(journaledAtKill, trials => trials.Count > 0); // a kill found trials to check
        return journaled;
    }

    /// <summary>The run's id and journal: <paramref name="local"/> in SQLite, or a fresh id in PostgreSQL (a database
    /// outlives the test), skipped without a server.</summary>
    (string Id, string[] Flag, JournalSettings Journal) RunIn(bool postgres, string local)
    {
        var url = Environment.GetEnvironmentVariable("ACTOREVOLVE_TEST_POSTGRES");
        Skip.If(postgres && url is null, "no PostgreSQL server: set ACTOREVOLVE_TEST_POSTGRES (as .ci/run does)");
        var runs = Path.Combine(_cli.WorkDir, "runs");
        return postgres ? ($"pg-{local}-{Guid.NewGuid():N}", ["--journal", url!], JournalSettings.From(url!, runs))
            : (local, [], JournalSettings.From("", runs));
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
        // Hyperband's ladder ending at the full budget (as for the MLP's max-epochs): 9 / 3², 9 / 3 and 9.
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
        var (id, journalFlag, journal) = RunIn(postgres, "crashed");

        var reference = _cli.Run(RungSearch("reference", steady: false));
        Assert.True(reference.ExitCode == 0, reference.Stderr);

        // Killed four times: after a few first rungs of generation 1, after its first promotion (mid-rung, with a
        // checkpoint to continue from), right after generation 3 ended, and mid-rung in the last generation.
        var inLastGeneration = false;
        await KilledAndResumed(id, steady: false, journalFlag, journal, (l => l.StartsWith("  rung 0 "), 4),
            (l => l.StartsWith("  rung 1 "), 1),
            (l => l.StartsWith("generation 3 done"), 1),
            (l => (inLastGeneration |= l.StartsWith($"generation {Generations}/")) && l.StartsWith("  rung "), 2));

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

    [SkippableTheory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Killed_mid_rung_and_resumed_a_steady_state_rung_run_trains_no_rung_twice_and_ends_complete(
        bool postgres)
    {
        var (id, journalFlag, journal) = RunIn(postgres, "steady");

        // Which genomes ASHA promotes depends on arrival order: the run is checked against its own journal. Killed
        // four times: after a few first rungs, after a promotion came back (others pending, with checkpoints to go
        // on from), right after round 2 ended, and in the last round.
        var journaled = await KilledAndResumed(id, steady: true, journalFlag, journal,
            (l => l.StartsWith("  rung 0 "), 4),
            (l => l.StartsWith("  rung 1 "), 1),
            (l => l.StartsWith("round 2 done"), 1),
            (l => l.StartsWith("  rung 1 "), 3));
        Assert.Contains(journaled, t => t.Item3 == 1); // promotions came back across the kills

        // Every birth trained its first rung once; results.csv holds each trial's result once; the winner is fully
        // trained; no checkpoint is left behind.
        var run = Path.Combine(_cli.WorkDir, "runs", id);
        var all = await JournaledTrials(id, journal, steady: true);
        Assert.Equal(Births, all.Count(t => t.Rung == 0));
        Assert.Equal(all.Count, File.ReadAllLines(Path.Combine(run, "results.csv")).Length - 1);
        var summary = ResumeTests.Summary(run);
        Assert.Equal("completed", summary.GetProperty("status").GetString());
        Assert.Equal(Births, summary.GetProperty("evaluations").GetInt32());
        Assert.False(summary.GetProperty("best").TryGetProperty("partial", out _)); // written only when partial
        Assert.Equal(Births, summary.GetProperty("rungs").GetProperty("total").GetProperty("reached")[0].GetInt32());
        Assert.False(Directory.Exists(Path.Combine(run, "checkpoints")));
    }
}
