using System.Text.RegularExpressions;
using ActorEvolve.Engine.Configuration;
using ActorEvolve.Engine.Persistence;

namespace ActorEvolve.Cli.Tests;

/// <summary>A steady-state run with rungs (ASHA) killed with SIGKILL and resumed, as in <see cref="RungResumeTests"/>:
/// the real CLI on the recorded grid with learning curves, a table delay so that kills land while trials train. Which
/// genomes a steady-state run promotes depends on arrival order, so the run is checked against its own journal: no
/// trial that came back is trained again, the pending ones are, and the run ends complete.</summary>
public sealed partial class SteadyRungResumeTests : IDisposable
{
    readonly CliProcess _cli = new();

    public void Dispose() => _cli.Dispose();

    const int Births = 36;

    /// <summary>Rungs of 3 and 9 epochs, η = 3; a whole recorded training waits 900 ms, so a first rung 300 ms and a
    /// promotion from it 600 ms.</summary>
    string[] SteadyRungSearch(string runId, params string[] extra)
    {
        var grid = Path.Combine(_cli.WorkDir, "curves.csv");
        File.Copy(Path.Combine(AppContext.BaseDirectory, "grids", "fashion-mnist-curves.csv"), grid, overwrite: true);
        return
        [
            "search", "--fitness", $"table:{grid}", "--config", _cli.Write("steady-rungs.conf", $$"""
                actorevolve.table-delay = 900ms
                actorevolve.table-patience = 2
                actorevolve.ga { mode = steady-state, evaluations = {{Births}}, initial-population = grid }
                actorevolve.ga { rungs = [3, 9], reduction = 3 }
                """),
            "--population", "12", "--seed", "9", "--slots", "2", "--run-id", runId, .. extra,
        ];
    }

    /// <summary>The rung trials a process's plain output reports, each as (genome, rung): a trial's line is printed
    /// only once the trial is journaled.</summary>
    static List<(string Genome, int Rung)> RungLines(string output) => [
        .. output.Split('\n').Select(line => RungLine().Match(line)).Where(m => m.Success)
            .Select(m => (m.Groups[2].Value, int.Parse(m.Groups[1].Value))),
    ];

    [GeneratedRegex(@"^  rung (\d+) +(\S+)  ")]
    private static partial Regex RungLine();

    /// <summary>The rung results the journal holds, each as (genome, rung).</summary>
    static async Task<HashSet<(string Genome, int Rung)>> JournaledTrials(string runId, JournalSettings journal)
    {
        await using var reader = JournalReader.Open(HoconLoader.Load(), journal);
        var run = await reader.ReadAsync(runId);
        return run.Facts.Select(f => (f.Genome.Key, f.Result.Rung ?? -1)).ToHashSet();
    }

    [SkippableTheory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Killed_mid_rung_and_resumed_a_steady_state_rung_run_trains_no_rung_twice_and_ends_complete(
        bool postgres)
    {
        var url = Environment.GetEnvironmentVariable("ACTOREVOLVE_TEST_POSTGRES");
        Skip.If(postgres && url is null, "no PostgreSQL server: set ACTOREVOLVE_TEST_POSTGRES (as .ci/run does)");
        var id = postgres ? $"pg-steady-rungs-{Guid.NewGuid():N}" : "crashed"; // a database outlives this test
        string[] journalFlag = postgres ? ["--journal", url!] : [];
        var journal = JournalSettings.From(postgres ? url! : "", Path.Combine(_cli.WorkDir, "runs"));

        // Killed four times: after a few first rungs, after a promotion came back (others pending, with checkpoints
        // to continue from), right after round 2 ended, and in the last round.
        var kills = new (Func<string, bool> After, int Times)[]
        {
            (l => l.StartsWith("  rung 1 "), 1),
            (l => l.StartsWith("round 2 done"), 1),
            (l => l.StartsWith("  rung 1 "), 3),
        };
        var outputs = new List<string>
            { _cli.RunAndKill(l => l.StartsWith("  rung 0 "), 4, SteadyRungSearch(id, journalFlag)) };
        var journaledAtKill = new List<HashSet<(string, int)>> { await JournaledTrials(id, journal) };
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
        var journaled = new HashSet<(string, int)>();
        foreach (var (output, process) in outputs.Select((o, i) => (o, i)))
        {
            var trials = RungLines(output);
            Assert.Equal(trials.Count, trials.Distinct().Count());
            Assert.DoesNotContain(trials, journaled.Contains);
            if (process > 0) Assert.Contains("evaluations recovered from the journal, none will be repeated", output);
            journaled.UnionWith(trials);
            if (process < journaledAtKill.Count) journaled.UnionWith(journaledAtKill[process]);
        }
        Assert.Contains(journaled, t => t.Item2 == 1); // promotions came back across the kills

        // Every birth trained its first rung once; results.csv holds each trial's result once; the winner is fully
        // trained; no checkpoint is left behind.
        var run = Path.Combine(_cli.WorkDir, "runs", id);
        var all = await JournaledTrials(id, journal);
        Assert.Equal(Births, all.Count(t => t.Rung == 0));
        var rows = File.ReadAllLines(Path.Combine(run, "results.csv")).Skip(1).ToArray();
        Assert.Equal(all.Count, rows.Length);
        var summary = ResumeTests.Summary(run);
        Assert.Equal("completed", summary.GetProperty("status").GetString());
        Assert.Equal(Births, summary.GetProperty("evaluations").GetInt32());
        Assert.False(summary.GetProperty("best").TryGetProperty("partial", out _)); // written only when partial
        Assert.Equal(Births, summary.GetProperty("rungs").GetProperty("total").GetProperty("reached")[0].GetInt32());
        Assert.False(Directory.Exists(Path.Combine(run, "checkpoints")));
    }
}
