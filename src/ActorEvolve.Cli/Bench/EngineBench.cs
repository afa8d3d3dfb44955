using ActorEvolve.Cli.Console;
using System.Diagnostics;
using ActorEvolve.Engine.Actors;
using ActorEvolve.Engine.Cluster;
using ActorEvolve.Engine.Configuration;
using ActorEvolve.Engine.Persistence;
using ActorEvolve.Engine.Results;
using Akka.Configuration;
using Spectre.Console;
using ActorEvolve.Engine;

namespace ActorEvolve.Cli.Bench;

/// <summary>
/// The engine alone: searches with a zero-cost fitness through the whole actor machinery (PopulationActor →
/// GenomeActor → slots → TrainerActor), with the journal in memory, in SQLite and optionally in PostgreSQL, and
/// the time a finished run of that size takes to recover (snapshot + events + state replay).
/// </summary>
public static class EngineBench
{
    public sealed record Result(string Journal, int Population, int Evaluations, double Seconds, double RecoverySeconds)
    {
        public double PerSecond => Evaluations / Seconds;
    }

    public static async Task<IReadOnlyList<Result>> RunAsync(IEnumerable<int> populations, int generations, int slots,
        string? journalUrl)
    {
        var scratch = Directory.CreateTempSubdirectory("actorevolve-bench-").FullName;
        try
        {
            var results = new List<Result>();
            foreach (var population in populations)
            {
                results.Add(await MeasureAsync(population, generations, slots, scratch, "inmem", null));
                results.Add(await MeasureAsync(population, generations, slots, scratch, "sqlite", ""));
                if (journalUrl is not null)
                    results.Add(await MeasureAsync(population, generations, slots, scratch, "postgres", journalUrl));
            }
            return results;
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    static readonly TimeSpan JoinTimeout = TimeSpan.FromSeconds(30);

    static async Task<Result> MeasureAsync(int population, int generations, int slots, string scratch, string label,
        string? url)
    {
        var runId = $"bench-{Guid.NewGuid():N}";
        var config = HoconLoader.Load(overrides: [
            $"actorevolve.ga.population = {population}", $"actorevolve.ga.generations = {generations}",
            $"actorevolve.state-dir = {HoconLoader.Quote(scratch)}",
            $"actorevolve.journal = {HoconLoader.Quote(url ?? "")}",
            // Continuous genes and certain mutation make most children new, so the cache does not hide the engine's
            // cost.
            "actorevolve.search-space.learning_rate { min = 0.0001, max = 0.1, scale = log }",
            "actorevolve.search-space.dropout { min = 0.0, max = 0.5 }", "actorevolve.ga.mutate-chance = 1.0",
        ]);
        var engine = EngineSettings.From(config);
        var journal = engine.Journal;
        if (url is null)
            config = ConfigurationFactory.ParseString("""
                akka.persistence.journal.plugin = "akka.persistence.journal.inmem"
                akka.persistence.snapshot-store.plugin = "akka.persistence.snapshot-store.inmem"
                """).WithFallback(config);
        else journal.Preflight(mustExist: false);

        var files = new RunFiles(Path.Combine(scratch, runId));
        var settings = engine.For(runId, null, "");
        var meta = RunPlan.EngineSummary(config, engine);
        var watch = Stopwatch.StartNew();
        double seconds;
        await using (var host = await SearchHost.StartAsync(config, journal, new HashFitness(), JoinTimeout))
        {
            watch.Restart();
            await host.RunAsync(settings, resume: false, slots, files, meta, []);
            seconds = watch.Elapsed.TotalSeconds;
        }
        var evaluations = File.ReadLines(files.Results).Count() - 1;
        if (url is null) return new Result("none (in memory)", population, evaluations, seconds, double.NaN);

        // Recovery, in a fresh actor system as after a crash: a resume of the finished run reads the snapshot
        // and the events after it, replays the state, then refuses to go on.
        await using var recovery = await SearchHost.StartAsync(config, journal, new HashFitness(), JoinTimeout);
        watch.Restart();
        try
        {
            var recoveryFiles = new RunFiles(Path.Combine(scratch, runId + "-recovery"));
            await recovery.RunAsync(settings, resume: true, slots, recoveryFiles, meta, []);
        }
        catch (RunAbortedException e) when (e.Message.Contains("already finished"))
        {
        }
        return new Result(label, population, evaluations, seconds, watch.Elapsed.TotalSeconds);
    }

    public static void Print(IAnsiConsole console, int generations, IReadOnlyList<Result> results)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .Title($"Engine with a zero-cost fitness, {generations} generations")
            .AddColumns("Population", "Journal", "Evaluations", "Seconds", "Evaluations/s", "Engine time / evaluation",
                "Journal cost / evaluation", "Recovery");
        foreach (var r in results)
        {
            var baseline = results.First(b => b.Population == r.Population); // the in-memory run of that size
            var perEvaluation = r.Seconds / r.Evaluations - baseline.Seconds / baseline.Evaluations;
            var cost = ReferenceEquals(r, baseline) ? "-" : $"{perEvaluation * 1e3:F3} ms";
            table.AddRow(Cells.Plain(r.Population.ToString("N0"), r.Journal, r.Evaluations.ToString("N0"),
                $"{r.Seconds:F2}",
                $"{r.PerSecond:N0}", $"{r.Seconds / r.Evaluations * 1e3:F3} ms", cost,
                double.IsNaN(r.RecoverySeconds) ? "-" : $"{r.RecoverySeconds * 1e3:N0} ms"));
        }
        console.Write(table);
    }
}
