using System.Text.Json;
using ActorEvolve.Core.Evolution;
using ActorEvolve.Engine.Cluster;
using ActorEvolve.Engine.Configuration;
using ActorEvolve.Engine.Results;

namespace ActorEvolve.Engine.Tests;

/// <summary>The real thing minus training: the shipped HOCON, a cluster of one node on loopback TCP, the
/// cluster-aware trainer pool, and the run folder on disk.</summary>
public sealed class SearchHostSpec : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("search-host-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task A_single_node_cluster_runs_a_search_and_writes_its_results()
    {
        var config = HoconLoader.Load(overrides: ["actorevolve.ga.population = 10", "actorevolve.ga.generations = 3",
            $"actorevolve.state-dir = {HoconLoader.Quote(_dir)}"]);
        var engine = EngineSettings.From(config);
        engine.Journal.Preflight(mustExist: false);
        var fitness = new FakeFitness();
        var files = new RunFiles(Path.Combine(_dir, "run"));
        var settings = engine.For("run", files.Model, "");

        await using var host = await SearchHost.StartAsync(config, engine.Journal, fitness, TimeSpan.FromSeconds(30));
        var run = await host.RunAsync(settings, resume: false, localSlots: 2, files,
            RunPlan.EngineSummary(config, engine), []).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(3, run.History.Count);
        Assert.StartsWith("127.0.0.1:", run.Winner.Fitness.Trainer); // trained by a routee of the cluster pool
        Assert.Equal([files.Model], fitness.SavedModels); // the local trainer saves into the run's own folder
        var rows = File.ReadAllLines(files.Results);
        Assert.Equal(string.Join(",", RunFiles.Header(engine.Space)), rows[0]);
        Assert.Equal(fitness.Calls.Count, rows.Length - 1);
        var summary = files.ReadSummary()!;
        Assert.Equal("completed", summary.Status);
        Assert.Equal(run.Winner.Genome.Genes, summary.Best!.Genes);
        Assert.Equal(0.5, summary.TestAccuracy);
        Assert.Equal(3, summary.Generations.Count);
        using var json = JsonDocument.Parse(File.ReadAllText(files.Summary));
        Assert.Equal(10, json.RootElement.GetProperty("config").GetProperty("ga").GetProperty("population").GetInt32());
        Assert.True(new FileInfo(Path.Combine(_dir, "actorevolve.db")).Length > 0); // journaled to the SQLite file
    }
}
