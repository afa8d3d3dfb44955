using ActorEvolve.Core.Fitness;
using ActorEvolve.Core.Genes;
using ActorEvolve.Engine.Configuration;
using ActorEvolve.Engine.Results;
using ActorEvolve.Engine.Protocol;

namespace ActorEvolve.Engine.Tests;

/// <summary>The .NET entry point (<see cref="Search"/>) end to end: the shipped HOCON defaults, a real cluster of one
/// node on loopback, the SQLite journal and the run folder.</summary>
public sealed class SearchApiSpec : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("search-api-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    static readonly SearchSpace Space = new([
        new IntRangeGene("width", 1, 64), new ChoiceGene("shape", ["wide", "deep", "flat"]),
        new FloatRangeGene("rate", 0.001, 0.1, log: true)]);

    SearchOptions Options(string runId) => new()
    {
        RunId = runId, Space = Space, Seed = 7, Population = 8, Generations = 3, StateDirectory = _dir,
        TrainerSlots = 2,
    };

    [Fact]
    public async Task A_search_in_code_returns_its_winner_and_writes_the_run_folder()
    {
        var events = new List<RunEvent>();
        var fitness = new FakeFitness();
        var result = await Search.RunAsync(Options("api"), fitness, events.Add);

        Assert.Equal(3, result.History.Count);
        Assert.Equal(result.History.Max(h => h.Best), result.Winner.Fitness.Accuracy);
        Assert.Equal(0.5, result.Test!.Accuracy);
        Assert.Equal(Enumerable.Range(0, 3),
            events.OfType<GenerationCompleted>().Select(e => e.Summary.Generation)); // one at a time, in order
        Assert.IsType<RunCompleted>(events[^1]);
        var files = new RunFiles(result.Directory);
        Assert.Equal(Path.Combine(_dir, "api"), files.Directory);
        Assert.Equal(fitness.Calls.Count, File.ReadAllLines(files.Results).Length - 1);
        var summary = files.ReadSummary()!;
        Assert.Equal("completed", summary.Status);
        Assert.Equal(result.Winner.Genome.Genes, summary.Best!.Genes);
        Assert.Equal(Persistence.RunJournal.Describe(Space), summary.SearchSpace);
        Assert.Contains("dotnet:ActorEvolve.Engine.Tests.FakeFitness", File.ReadAllText(files.Config));
        Assert.False(RunLock.IsHeld(files)); // not "running" any more
    }

    /// <summary>Cancels the run once its first generation is complete; the second generation's evaluations wait
    /// for the node's shutdown, so the run cannot finish first.</summary>
    async Task InterruptAfterFirstGeneration(string runId)
    {
        using var stop = new CancellationTokenSource();
        await Assert.ThrowsAsync<SearchInterruptedException>(() => Search.RunAsync(Options(runId),
            new HeldAfterFirstGeneration(stop.Token), e => { if (e is GenerationCompleted) stop.Cancel(); },
            stop.Token));
    }

    sealed class HeldAfterFirstGeneration(CancellationToken held) : IFitnessFunction
    {
        public FitnessResult Evaluate(Genome genome, EvaluationContext context, CancellationToken cancellation)
        {
            if (held.IsCancellationRequested) cancellation.WaitHandle.WaitOne();
            cancellation.ThrowIfCancellationRequested();
            return FakeFitness.Score(genome, context.Trainer);
        }

        public FitnessResult? EvaluateOnTestSet(Genome genome, int epochs, EvaluationContext context,
            string? saveModelTo, CancellationToken cancellation) => null;
    }

    [Fact]
    public async Task A_cancelled_search_resumes_to_the_result_of_an_uninterrupted_one()
    {
        var uninterrupted = await Search.RunAsync(Options("whole"), new FakeFitness());

        await InterruptAfterFirstGeneration("halves");
        var files = new RunFiles(Path.Combine(_dir, "halves"));
        Assert.Equal("running", files.ReadSummary()!.Status);
        var again = await Assert.ThrowsAsync<ConfigException>(() =>
            Search.RunAsync(Options("halves"), new FakeFitness()));
        Assert.Equal("run 'halves' exists and is unfinished: set SearchOptions.Resume to continue it", again.Message);

        var resumed = await Search.RunAsync(Options("halves") with { Resume = true }, new FakeFitness());
        Assert.Equal(uninterrupted.History, resumed.History);
        Assert.Equal(uninterrupted.Winner.Genome, resumed.Winner.Genome);
        Assert.Equal("completed", files.ReadSummary()!.Status);
    }

    [Fact]
    public async Task A_resume_with_other_settings_is_refused_and_the_journal_kept()
    {
        await InterruptAfterFirstGeneration("kept");

        var refused = await Assert.ThrowsAsync<ConfigException>(() =>
            Search.RunAsync(Options("kept") with { Resume = true, Seed = 8 }, new FakeFitness()));
        Assert.Contains("seed", refused.Message);
        var resumed = await Search.RunAsync(Options("kept") with { Resume = true }, new FakeFitness());
        Assert.Equal(3, resumed.History.Count);
    }

    [Fact]
    public async Task Bad_options_are_one_line_errors_before_anything_is_written()
    {
        async Task<string> Refused(SearchOptions options) =>
            (await Assert.ThrowsAsync<ConfigException>(() => Search.RunAsync(options, new FakeFitness()))).Message;

        Assert.StartsWith("no search space", await Refused(Options("a") with { Space = null }));
        Assert.Equal($"there is no run 'b' in {_dir}", await Refused(Options("b") with { Resume = true }));
        Assert.Equal("run id '../c' cannot be a folder name", await Refused(Options("../c")));
        Assert.StartsWith("invalid configuration: population", await Refused(Options("d") with { Population = 1 }));
        Assert.StartsWith("SearchOptions: invalid HOCON", await Refused(Options("e") with { Hocon = "actorevolve {" }));
        Assert.Empty(Directory.EnumerateDirectories(_dir));
    }

    [Fact]
    public async Task A_trainer_node_joins_with_its_own_fitness_and_does_all_the_training()
    {
        using var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        var port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var (coordinatorFitness, trainerFitness) = (new FakeFitness(), new FakeFitness());
        using var leave = new CancellationTokenSource();
        var trainer = Search.JoinAsync("127.0.0.1", port, trainerFitness,
            new TrainerOptions { Slots = 2, LogFile = Path.Combine(_dir, "trainer.log") }, leave.Token);

        var result = await Search.RunAsync(Options("joined") with
        {
            TrainerSlots = 0, Hocon = $"akka.remote.dot-netty.tcp.port = {port}",
        }, coordinatorFitness);
        leave.Cancel();
        await trainer;

        Assert.Empty(coordinatorFitness.Calls);
        var rows = File.ReadAllLines(Path.Combine(result.Directory, "results.csv"));
        Assert.Equal(trainerFitness.Calls.Count, rows.Length - 1);
        Assert.DoesNotContain($":{port}/", result.Winner.Fitness.Trainer);
    }

    [Fact]
    public async Task A_search_space_declared_in_HOCON_is_the_whole_space()
    {
        var options = Options("hocon") with
        {
            Space = null, Hocon = "actorevolve.search-space { units = [8, 16, 32], depth { min = 1, max = 3 } }",
        };
        var result = await Search.RunAsync(options, new FakeFitness());

        Assert.Equal(["depth", "units"], result.Winner.Genome.Genes.Keys); // no MLP genes from the defaults mixed in
    }
}
