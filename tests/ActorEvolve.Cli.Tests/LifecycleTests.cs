using System.Diagnostics;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace ActorEvolve.Cli.Tests;

/// <summary>A run's life around its core: killed while it starts, killed right after it finished, two processes
/// writing it at once, a start that is refused. Real processes, SIGKILL, the real SQLite journal; the journal is the
/// truth, so every test ends by comparing the run folder with it.</summary>
public sealed class LifecycleTests : IDisposable
{
    static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    readonly CliProcess _cli = new();

    public void Dispose() => _cli.Dispose();

    string Runs => Path.Combine(_cli.WorkDir, "runs");
    string Journal => Path.Combine(Runs, "actorevolve.db");
    string Run(string id) => Path.Combine(Runs, id);

    string[] TableSearch(string runId, string delay = "100ms") =>
    [
        "search", "--fitness", $"table:{_cli.SeedGrid()}",
        "--config", _cli.Write("delay.conf", $"actorevolve.table-delay = {delay}"),
        "--population", "12", "--generations", "5", "--seed", "9", "--slots", "2", "--run-id", runId,
    ];

    /// <summary>Journal records of one kind (manifest prefix, e.g. "fitness-recorded") of a run.</summary>
    long JournalRecords(string runId, string kind) =>
        Count("SELECT count(*) FROM journal WHERE persistence_id = $id AND manifest LIKE $kind", runId, kind + "/%");

    long Snapshots(string runId) => Count("SELECT count(*) FROM snapshot WHERE persistence_id = $id", runId);

    long Count(string query, string runId, string kind = "")
    {
        var connection = new SqliteConnectionStringBuilder
        {
            DataSource = Journal, Mode = SqliteOpenMode.ReadOnly, Pooling = false,
        };
        using var db = new SqliteConnection(connection.ToString());
        db.Open();
        using var command = db.CreateCommand();
        command.CommandText = query;
        command.Parameters.AddWithValue("$id", $"run-{runId}");
        command.Parameters.AddWithValue("$kind", kind);
        return (long)command.ExecuteScalar()!;
    }

    bool JournalHas(string runId, string kind)
    {
        try
        {
            return File.Exists(Journal) && JournalRecords(runId, kind) > 0;
        }
        catch (SqliteException)
        {
            return false; // the tables are being created
        }
    }

    string Status(string runId) => JsonDocument.Parse(File.ReadAllText(Path.Combine(Run(runId), "summary.json")))
        .RootElement.GetProperty("status").GetString()!;

    int ResultRows(string runId) => File.ReadAllLines(Path.Combine(Run(runId), "results.csv")).Length - 1;

    /// <summary>The run folder agrees with the journal: one results.csv row per journaled evaluation.</summary>
    void AssertFolderMatchesJournal(string runId) =>
        Assert.Equal(JournalRecords(runId, "fitness-recorded"), ResultRows(runId));

    static void AssertRefused(CliProcess.Result result, string expected)
    {
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(expected, Assert.Single(result.StderrLines));
    }

    /// <summary>Starts the CLI and kills it with SIGKILL as soon as <paramref name="moment"/> holds (polled while
    /// waiting on the process, so a process that ends first fails the test).</summary>
    void KillWhen(Func<bool> moment, params string[] args)
    {
        using var process = _cli.Start(args);
        var deadline = DateTime.UtcNow + Patience;
        while (!moment())
            if (process.WaitForExit(5) || DateTime.UtcNow > deadline)
                Assert.Fail("the process ended (or the moment never came) before it could be killed: " +
                            process.StandardError.ReadToEnd());
        process.Kill(); // SIGKILL at once (walking the process tree first would let it run on for a while)
        process.WaitForExit();
    }

    [Fact]
    public void A_run_killed_during_start_up_can_be_started_again_or_resumed()
    {
        var runConf = Path.Combine(Run("early"), "run.conf");
        KillWhen(() => File.Exists(runConf), TableSearch("early"));
        Assert.False(JournalHas("early", "run-started"), "the kill came too late to test a start-up kill");
        Assert.Contains("never started", _cli.Run("runs").Stdout);

        // The same name can be started again (and killed again as it writes a new run.conf)...
        var firstStart = File.GetLastWriteTimeUtc(runConf);
        KillWhen(() => File.Exists(runConf) && File.GetLastWriteTimeUtc(runConf) > firstStart, TableSearch("early"));
        // ...and resume starts a never-started run from its run.conf.
        var resumed = _cli.Run("resume", "early");
        Assert.True(resumed.ExitCode == 0, resumed.Stderr);
        Assert.Contains("stopped before its journal recorded it", resumed.Stdout);
        Assert.Equal("completed", Status("early"));
        AssertFolderMatchesJournal("early");
        Assert.Equal(1, Snapshots("early"));
    }

    [Fact]
    public void A_run_killed_right_after_its_finish_is_journaled_is_reported_finished_by_every_command()
    {
        KillWhen(() => JournalHas("late", "run-finished"), TableSearch("late"));
        // Whatever the kill left in summary.json, every command goes by the journal and repairs the folder.
        Assert.Contains("completed", _cli.Run("runs").Stdout);
        Assert.Equal("completed", Status("late"));
        AssertFolderMatchesJournal("late");
        Assert.True(File.Exists(Path.Combine(Run("late"), "report", "index.html")));
        AssertRefused(_cli.Run("resume", "late"), "run 'late' has already finished");
        AssertRefused(_cli.Run([.. TableSearch("late")]), "run 'late' already exists");
    }

    [Fact]
    public void A_folder_is_rebuilt_with_the_journaled_ga_settings_when_the_settings_around_the_run_changed()
    {
        Assert.Equal(0, _cli.Run(TableSearch("drift")).ExitCode);
        // As if this version shipped other GA defaults than the one that ran it; the folder must be rebuilt.
        File.AppendAllText(Path.Combine(Run("drift"), "run.conf"), "\nactorevolve.ga.tournament = 3\n");
        File.Delete(Path.Combine(Run("drift"), "summary.json"));

        var runs = _cli.Run("runs");
        Assert.True(runs.ExitCode == 0, runs.Stderr);
        Assert.Contains("completed", runs.Stdout);
        AssertFolderMatchesJournal("drift");
        var ga = JsonDocument.Parse(File.ReadAllText(Path.Combine(Run("drift"), "summary.json"))).RootElement
            .GetProperty("config").GetProperty("ga");
        Assert.Equal(2, ga.GetProperty("tournament").GetInt32()); // the run's own, from its journal
        AssertRefused(_cli.Run("resume", "drift"), "run 'drift' has already finished");
    }

    [Fact]
    public void Of_two_resumes_started_together_one_runs_and_the_other_refuses_in_one_line()
    {
        KillWhen(() => JournalHas("twice", "generation-completed"), TableSearch("twice"));
        using var first = _cli.Start("resume", "twice");
        using var second = _cli.Start("resume", "twice");
        var results = new[] { first, second }.Select(p =>
        {
            var (stdout, stderr) = (p.StandardOutput.ReadToEndAsync(), p.StandardError.ReadToEndAsync());
            Assert.True(p.WaitForExit(Patience), "a resume did not end");
            return new CliProcess.Result(p.ExitCode, stdout.Result, stderr.Result);
        }).ToArray();

        var winner = Assert.Single(results, r => r.ExitCode == 0);
        var loser = Assert.Single(results, r => r.ExitCode != 0);
        AssertRefused(loser, "run 'twice' is running in another process");
        Assert.DoesNotContain("Unhandled exception", loser.Stderr + winner.Stderr);
        Assert.Equal("completed", Status("twice"));
        AssertFolderMatchesJournal("twice");
        // A third process after the winner is free to look: the lock died with its holder.
        AssertRefused(_cli.Run("resume", "twice"), "has already finished");
    }

    [Fact]
    public void Of_two_new_runs_with_one_name_started_together_one_runs_and_the_other_changes_nothing()
    {
        using var first = _cli.Start(TableSearch("same"));
        using var second = _cli.Start(TableSearch("same"));
        var exits = new[] { first, second }.Select(p =>
        {
            var stderr = p.StandardError.ReadToEndAsync();
            p.StandardOutput.ReadToEnd();
            Assert.True(p.WaitForExit(Patience), "a search did not end");
            return (p.ExitCode, Stderr: stderr.Result);
        }).ToArray();
        Assert.Single(exits, e => e.ExitCode == 0);
        var loser = Assert.Single(exits, e => e.ExitCode != 0);
        Assert.Equal(2, loser.ExitCode);
        Assert.Single(loser.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal("completed", Status("same"));
        AssertFolderMatchesJournal("same");
    }

    [Fact]
    public void A_start_refused_after_the_checks_began_leaves_no_state_directory_and_no_journal()
    {
        using var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        taken.Start();
        var port = ((System.Net.IPEndPoint)taken.LocalEndpoint).Port;
        AssertRefused(_cli.Run([.. TableSearch("refused"), "--listen", $"127.0.0.1:{port}"]),
            $"cannot listen on 127.0.0.1:{port}");
        taken.Stop(); // now free: the dashboard and the cluster would both take it
        string[] sharedPort = ["--listen", $"127.0.0.1:{port}", "--dashboard", $"127.0.0.1:{port}"];
        AssertRefused(_cli.Run([.. TableSearch("refused"), .. sharedPort]),
            "uses the cluster's --listen port");
        Assert.False(Directory.Exists(Runs), "a refused start left the state directory behind");
    }

    [Fact]
    public void A_start_refused_because_another_process_locks_the_journal_leaves_nothing_behind()
    {
        var first = _cli.Run(TableSearch("first", delay: "0ms"));
        Assert.True(first.ExitCode == 0, first.Stderr);
        var journal = File.ReadAllBytes(Journal);
        var connection = new SqliteConnectionStringBuilder { DataSource = Journal, Pooling = false }.ToString();
        using (var other = new SqliteConnection(connection))
        {
            other.Open();
            using var exclusive = other.CreateCommand();
            exclusive.CommandText = "BEGIN EXCLUSIVE";
            exclusive.ExecuteNonQuery();
            AssertRefused(_cli.Run(TableSearch("second")), "the journal did not answer");
        }
        Assert.False(Directory.Exists(Run("second")), "a refused start left its run folder behind");
        Assert.Equal(journal, File.ReadAllBytes(Journal));
    }

    [Fact]
    public void Resume_refuses_a_configuration_that_changes_what_scores_the_run()
    {
        KillWhen(() => JournalHas("scored", "generation-completed"), TableSearch("scored"));
        var rows = File.ReadAllText(Path.Combine(Run("scored"), "results.csv"));
        var table = _cli.Write("other.csv", File.ReadAllText(_cli.SeedGrid()));
        var other = _cli.Write("other-table.conf", $"actorevolve.fitness = \"table:{table}\"");
        AssertRefused(_cli.Run("resume", "scored", "--config", other), "was started with actorevolve.fitness");
        Assert.Equal(rows, File.ReadAllText(Path.Combine(Run("scored"), "results.csv")));
    }
}
