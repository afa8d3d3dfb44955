namespace ActorEvolve.Cli.Tests;

/// <summary>Journals written by earlier versions keep working: a run interrupted under journal format 1 (committed
/// as a fixture: its SQLite journal and run folder) resumes under today's format and ends as a fresh run does.
/// </summary>
public sealed class JournalFormatTests : IDisposable
{
    readonly CliProcess _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public void A_run_interrupted_under_journal_format_1_resumes_and_ends_as_an_uninterrupted_run()
    {
        var fixture = Path.Combine(AppContext.BaseDirectory, "Fixtures", "journal-v1");
        var runs = Path.Combine(_cli.WorkDir, "runs");
        Directory.CreateDirectory(Path.Combine(runs, "journal-v1"));
        File.Copy(Path.Combine(fixture, "actorevolve.db"), Path.Combine(runs, "actorevolve.db"));
        foreach (var file in Directory.GetFiles(Path.Combine(fixture, "run")))
            File.Copy(file, Path.Combine(runs, "journal-v1", Path.GetFileName(file)));
        File.Copy(Path.Combine(fixture, "fx.conf"), Path.Combine(_cli.WorkDir, "fx.conf"));
        _cli.SeedGrid(); // fx.conf names grid.csv relative to the working folder, as it was recorded

        var resumed = _cli.Run("resume", "journal-v1");
        Assert.True(resumed.ExitCode == 0, resumed.Stdout + resumed.Stderr);
        var reference = _cli.Run("search", "--config", "fx.conf", "--population", "12", "--generations", "5",
            "--seed", "9", "--slots", "2", "--run-id", "reference", "--ga-preset", "unguided");
        Assert.True(reference.ExitCode == 0, reference.Stderr);

        string[] Evaluations(string run) => File.ReadAllLines(Path.Combine(runs, run, "results.csv")).Skip(1)
            .Select(r => string.Join(",", r.Split(',').Take(6))).Order().ToArray();
        Assert.Equal(Evaluations("reference"), Evaluations("journal-v1"));
        Assert.Contains("completed", File.ReadAllText(Path.Combine(runs, "journal-v1", "summary.json")));
    }
}
