using System.Text.Json;

namespace ActorEvolve.Cli.Tests;

/// <summary>Steady-state runs killed with SIGKILL and resumed from their SQLite journal, as in
/// <see cref="ResumeTests"/>: the real CLI, table fitness with a delay so that results arrive while others train.
/// </summary>
public sealed class SteadyStateResumeTests : IDisposable
{
    readonly CliProcess _cli = new();

    public void Dispose() => _cli.Dispose();

    /// <param name="twoObjectives">Accuracy against parameter count, the worst by Pareto order leaving.</param>
    string[] SteadySearch(string runId, bool birthOrder, bool twoObjectives = false) =>
    [
        "search", "--fitness", $"table:{(twoObjectives ? _cli.SizedGrid() : _cli.SeedGrid())}",
        "--config", _cli.Write($"steady-{birthOrder}-{twoObjectives}.conf", $$"""
            actorevolve.table-delay = 100ms
            actorevolve.ga { mode = steady-state, evaluations = 40, birth-order = {{(birthOrder ? "on" : "off")}} }
            {{(twoObjectives ? TwoObjectives : "")}}
            """),
        "--population", "8", "--seed", "9", "--slots", "2", "--run-id", runId,
    ];

    const string TwoObjectives = "actorevolve.objective { metric = [accuracy, parameters], " +
                                 "direction = [maximize, minimize] }\nactorevolve.ga.removal = worst";

    string Run(string runId) => Path.Combine(_cli.WorkDir, "runs", runId);

    /// <summary>Each evaluated genome with its fitness (genes and accuracy), in a stable order.</summary>
    static string[] Evaluated(string run) => File.ReadAllLines(Path.Combine(run, "results.csv")).Skip(1)
        .Select(r => string.Join(",", r.Split(',').Skip(1).Take(5))).Order().ToArray();

    static JsonElement Summary(string run) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "summary.json"))).RootElement;

    /// <summary>Each round's population statistics.</summary>
    static string[] Rounds(string run) => Summary(run).GetProperty("generations").EnumerateArray()
        .Select(g => string.Join(",", new[] { "generation", "best", "mean", "worst" }
            .Select(p => g.GetProperty(p).ToString()))).ToArray();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void With_birth_order_a_run_killed_at_any_point_and_resumed_ends_as_if_never_interrupted(
        bool twoObjectives)
    {
        var reference = _cli.Run(SteadySearch("reference", birthOrder: true, twoObjectives));
        Assert.True(reference.ExitCode == 0, reference.Stderr);
        Assert.Contains("round 5 done", reference.Stdout);

        _cli.RunAndKill(l => l.StartsWith("  evaluated"), 5, SteadySearch("crashed", birthOrder: true, twoObjectives));
        var kills = new (Func<string, bool> After, int Times)[]
        {
            (l => l.StartsWith("  evaluated"), 6),
            (l => l.StartsWith("round 3 done"), 1),
            (l => l.StartsWith("round 5/5"), 1),
        };
        foreach (var (after, times) in kills)
        {
            var output = _cli.RunAndKill(after, times, "resume", "crashed");
            Assert.Contains("evaluations recovered from the journal, none will be repeated", output);
        }
        var resumed = _cli.Run("resume", "crashed");
        Assert.True(resumed.ExitCode == 0, resumed.Stderr);

        var (expected, actual) = (Run("reference"), Run("crashed"));
        // The same children evaluated (no genome twice: 40 births, 40 new networks), the same rounds, the same winner.
        Assert.Equal(40, Evaluated(expected).Length);
        Assert.Equal(Evaluated(expected), Evaluated(actual));
        Assert.Equal(Rounds(expected), Rounds(actual));
        Assert.Equal(Summary(expected).GetProperty("best").GetProperty("genes").ToString(),
            Summary(actual).GetProperty("best").GetProperty("genes").ToString());
        Assert.Equal("completed", Summary(actual).GetProperty("status").GetString());
        Assert.Equal(twoObjectives, Summary(actual).TryGetProperty("front", out _));
        if (twoObjectives) Assert.Equal(CliProcess.Front(expected), CliProcess.Front(actual));
    }

    [Fact]
    public void Without_birth_order_a_killed_run_resumes_to_its_length_without_training_a_genome_twice()
    {
        _cli.RunAndKill(l => l.StartsWith("  evaluated"), 7, SteadySearch("async", birthOrder: false));
        _cli.RunAndKill(l => l.StartsWith("  evaluated"), 9, "resume", "async");
        var worst = _cli.Write("worst.conf", "actorevolve.ga.removal = worst");
        var refused = _cli.Run("resume", "async", "--config", worst);
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("was started with other GA settings (removal oldest, not worst)",
            Assert.Single(refused.StderrLines));

        var resumed = _cli.Run("resume", "async");
        Assert.True(resumed.ExitCode == 0, resumed.Stderr);
        var evaluated = Evaluated(Run("async"));
        Assert.Equal(40, evaluated.Length);
        Assert.Equal(40, evaluated.Select(e => string.Join(",", e.Split(',').Take(4))).Distinct().Count());
        Assert.Equal(5, Rounds(Run("async")).Length);
        Assert.Equal("completed", Summary(Run("async")).GetProperty("status").GetString());
    }
}
