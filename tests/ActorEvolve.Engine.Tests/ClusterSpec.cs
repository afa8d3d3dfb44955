using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Configuration;
using ActorEvolve.Core.Fitness;
using ActorEvolve.Engine.Cluster;
using ActorEvolve.Engine.Configuration;
using ActorEvolve.Engine.Results;
using ActorEvolve.Engine.Protocol;

namespace ActorEvolve.Engine.Tests;

/// <summary>Several actor systems in one process, joined over loopback TCP: a coordinator with no trainers of its
/// own, and trainer nodes with different slot counts that join while the run is going.</summary>
public sealed class ClusterSpec : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("cluster-").FullName;
    readonly ConcurrentQueue<(string Trainer, string Genome)> _evaluations = new();
    readonly ConcurrentQueue<RunEvent> _events = new();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Every evaluation takes a second (long against the engine's hand-over of a slot), logged.</summary>
    sealed class TimedFitness(ConcurrentQueue<(string Trainer, string Genome)> log) : IFitnessFunction
    {
        public FitnessResult Evaluate(Core.Genes.Genome genome, EvaluationContext context,
            CancellationToken cancellation)
        {
            Thread.Sleep(1000);
            log.Enqueue((context.Trainer, genome.Key));
            return FakeFitness.Score(genome, context.Trainer);
        }

        public FitnessResult? EvaluateOnTestSet(Core.Genes.Genome genome, int epochs, EvaluationContext context,
            string? saveModelTo, CancellationToken cancellation) => null;
    }

    sealed class EventListener : ReceiveActor
    {
        public EventListener(ConcurrentQueue<RunEvent> events) => Receive<RunEvent>(events.Enqueue);
    }

    [Fact]
    public async Task Trainer_nodes_with_1_and_3_slots_joining_mid_run_are_kept_busy_while_work_waits()
    {
        var config = HoconLoader.Load(overrides: ["actorevolve.ga.population = 24", "actorevolve.ga.generations = 4",
            $"actorevolve.state-dir = {HoconLoader.Quote(_dir)}", "akka.cluster.roles = [population]"]);
        var engine = EngineSettings.From(config);
        engine.Journal.Preflight(mustExist: false);
        await using var coordinator = await SearchHost.StartAsync(config, engine.Journal, new FakeFitness(),
            TimeSpan.FromSeconds(30));
        var address = Akka.Cluster.Cluster.Get(coordinator.System).SelfAddress;
        var listener = coordinator.System.ActorOf(Props.Create(() => new EventListener(_events)));
        var files = new RunFiles(Path.Combine(_dir, "run"));
        var run = coordinator.RunAsync(engine.For("run", null, ""), false,
            localSlots: 0, files, RunPlan.EngineSummary(config, engine), [listener]);

        // The run waits for trainers; the first node (1 slot) joins, then, once it is working, the second (3 slots).
        var small = await TrainerNodeHost.StartAsync(config, new TimedFitness(_evaluations), 1, address,
            TimeSpan.FromSeconds(30), CancellationToken.None);
        while (_evaluations.IsEmpty) await Task.Delay(50); // polling a test's own log, not synchronising actors
        var large = await TrainerNodeHost.StartAsync(config, new TimedFitness(_evaluations), 3, address,
            TimeSpan.FromSeconds(30), CancellationToken.None);
        try
        {
            await run.WaitAsync(TimeSpan.FromMinutes(2));
            var nodes = _evaluations.GroupBy(e => e.Trainer[..e.Trainer.LastIndexOf('/')])
                .ToDictionary(g => g.Key, g => g.Count());
            Assert.Equal(2, nodes.Count); // the node that joined mid-run got work too

            // From generation 1 on (both nodes up), while a generation had genomes waiting, every slot of both nodes
            // trained. (How busy they were is a speed figure, measured by benchmarks, not asserted by a timed test.)
            foreach (var generation in
                     _events.OfType<GenerationStarted>().Where(g => g.Generation >= 1 && g.ToTrain >= 8))
            {
                var keys = _events.OfType<EvaluationRecorded>().Where(e => e.Generation == generation.Generation)
                    .Select(e => e.Genome.Key).ToHashSet();
                var slots = _evaluations.Where(e => keys.Contains(e.Genome)).Select(e => e.Trainer).Distinct().Count();
                Assert.True(slots == 4, $"generation {generation.Generation}: {slots} of 4 slots trained");
            }
        }
        finally
        {
            await small.Terminate();
            await large.Terminate();
        }
    }
}
