using System.Collections.Concurrent;
using System.Diagnostics;
using Akka.Actor;
using Akka.Cluster;
using ActorEvolve.Cli.Console;
using ActorEvolve.Core.Evolution;
using ActorEvolve.Engine.Actors;
using ActorEvolve.Engine.Cluster;
using ActorEvolve.Engine.Configuration;
using ActorEvolve.Engine.Results;
using Spectre.Console;
using ActorEvolve.Engine.Protocol;
using ActorEvolve.Engine;

namespace ActorEvolve.Cli.Bench;

/// <summary>
/// The engine at cluster scale, simulated on one machine: a coordinator (this process, journal in SQLite, no slots
/// of its own) and trainer nodes (real actor systems with real remoting on loopback) in child processes, all with
/// <see cref="RecordedDelayFitness"/>. With 3 nodes or more, some nodes join after the run started and others are
/// killed (SIGKILL to their process) during it. Figures from the coordinator's side: slot utilisation while genomes
/// wait for a slot, the coordinator's CPU per evaluation and its memory, join → first evaluation on that node,
/// death → the dead node's genomes training elsewhere, journal events per second.
/// </summary>
public static class ClusterBench
{
    /// <param name="Population">Genomes per generation: several per slot, so that genomes wait for slots.</param>
    /// <param name="Mode">Generations, or steady state for as many births (rounds stand in for generations).</param>
    public sealed record Setup(int Nodes, int Slots, double EvaluationSeconds, int Generations, int Population,
        string Grid, GaMode Mode = GaMode.Generational);

    /// <param name="Utilisation">While genomes waited for a slot (each generation's or round's tail left out).</param>
    /// <param name="WholeRunUtilisation">From the run's start to its last evaluation's end, tails included.</param>
    public sealed record Result(Setup Setup, int Evaluations, double Seconds, double Utilisation,
        double WholeRunUtilisation, double CpuMsPerEvaluation,
        double? JoinToFirstEvaluation, double? DeathToElsewhere, double JournalEventsPerSecond, long PeakMemory);

    /// <summary>A configuration that could not be measured on this machine (its nodes did not all join).</summary>
    public sealed class SetupFailed(string message) : Exception(message);

    /// <summary>Nodes that join late and nodes that are killed: a tenth each, none below 3 nodes.</summary>
    static int Churn(int nodes) => nodes >= 3 ? Math.Max(1, nodes / 10) : 0;

    public static async Task<Result> RunAsync(Setup setup, CancellationToken cancellation)
    {
        var scratch = Directory.CreateTempSubdirectory("actorevolve-bench-cluster-").FullName;
        var nodes = new List<Process>();
        try
        {
            return await MeasureAsync(setup, scratch, nodes, cancellation);
        }
        finally
        {
            foreach (var process in nodes.Where(p => !p.HasExited)) process.Kill(entireProcessTree: true);
            foreach (var process in nodes) await process.WaitForExitAsync(CancellationToken.None);
            Directory.Delete(scratch, recursive: true);
        }
    }

    static async Task<Result> MeasureAsync(Setup setup, string scratch, List<Process> nodes,
        CancellationToken cancellation)
    {
        var config = HoconLoader.Load(overrides: [
            $"actorevolve.ga.population = {setup.Population}", $"actorevolve.ga.generations = {setup.Generations}",
            $"actorevolve.state-dir = {HoconLoader.Quote(scratch)}", "akka.cluster.roles = [population]",
            // Continuous genes and certain mutation make every child new: each generation trains all of it.
            "actorevolve.search-space.learning_rate { min = 0.0001, max = 0.1, scale = log }",
            "actorevolve.search-space.dropout { min = 0.0, max = 0.5 }", "actorevolve.ga.mutate-chance = 1.0",
            $"actorevolve.ga.mode = {(setup.Mode == GaMode.SteadyState ? "steady-state" : "generational")}",
        ]);
        config = Engine.Logging.FileLogger.LogTo(Path.Combine(scratch, "coordinator.log"), config);
        var engine = EngineSettings.From(config);
        engine.Journal.Preflight(mustExist: false);
        await using var host = await SearchHost.StartAsync(config, engine.Journal, new HashFitness(),
            TimeSpan.FromSeconds(30));
        var self = Akka.Cluster.Cluster.Get(host.System).SelfAddress;
        var observer = new Observations();
        var listener = host.System.ActorOf(Props.Create(() => new Observer(observer)), "bench-observer");

        var churn = Churn(setup.Nodes);
        Process StartNodes(int count, string name)
        {
            var process = NodesProcess.Start(self, count, setup, Path.Combine(scratch, name + ".log"));
            nodes.Add(process);
            return process;
        }
        var victims = churn > 0 ? StartNodes(churn, "victims") : null;
        await NodesProcess.WaitReadyAsync(StartNodes(setup.Nodes - 2 * churn, "stable"), cancellation);
        if (victims is not null) await NodesProcess.WaitReadyAsync(victims, cancellation);

        var files = new RunFiles(Path.Combine(scratch, "run"));
        var settings = engine.For("bench", null, "");
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        var run = host.RunAsync(settings, false, 0, files, RunPlan.EngineSummary(config, engine), [listener]);
        DateTimeOffset? killed = null;
        if (churn > 0)
        {
            // Generation 1: nodes join while genomes wait. Generation 2: nodes die while they train.
            await observer.GenerationStarted(1).WaitAsync(cancellation);
            await NodesProcess.WaitReadyAsync(StartNodes(churn, "joiners"), cancellation);
            await observer.GenerationStarted(2).WaitAsync(cancellation);
            await Task.Delay(TimeSpan.FromSeconds(setup.EvaluationSeconds / 2), cancellation); // mid-training
            victims!.Kill(entireProcessTree: true);
            killed = DateTimeOffset.UtcNow;
        }
        await run.WaitAsync(cancellation);
        var seconds = watch.Elapsed.TotalSeconds;
        var cpuUsed = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        var evaluations = observer.Finished.Count;
        var generations = observer.Generations.Count;
        return new Result(setup, evaluations, seconds, observer.Utilisation(killed), observer.WholeRunUtilisation(),
            cpuUsed.TotalMilliseconds / evaluations,
            churn > 0 ? observer.JoinToFirstEvaluation(observer.NodesUpAfter(observer.GenerationStartedAt(1))) : null,
            killed is { } at ? observer.DeathToElsewhere(at) : null,
            (evaluations + 2 * generations) / seconds, Process.GetCurrentProcess().PeakWorkingSet64);
    }

    /// <summary>What the coordinator saw, timestamped as it saw it.</summary>
    sealed class Observations
    {
        public readonly ConcurrentDictionary<string, DateTimeOffset> NodeUp = new();
        public readonly ConcurrentDictionary<string, DateTimeOffset> NodeGone = new();
        public readonly ConcurrentQueue<(string Trainer, string Genome, DateTimeOffset At)> Started = new();
        public readonly ConcurrentQueue<EvaluationRecorded> Finished = new();
        public readonly ConcurrentDictionary<int, GenerationStarted> Generations = new();
        readonly ConcurrentDictionary<int, TaskCompletionSource> _generationStarted = new();

        public Task GenerationStarted(int generation) => Signal(generation).Task;
        public DateTimeOffset GenerationStartedAt(int generation) => Generations[generation].At;
        TaskCompletionSource Signal(int generation) => _generationStarted.GetOrAdd(generation,
            _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

        public void Record(GenerationStarted started)
        {
            Generations[started.Generation] = started;
            Signal(started.Generation).TrySetResult();
        }

        static string NodeOf(string trainer) => trainer[..trainer.LastIndexOf('/')];

        public IEnumerable<string> NodesUpAfter(DateTimeOffset at) =>
            NodeUp.Where(n => n.Value > at).Select(n => n.Key);

        /// <summary>The slowest of these nodes from its MemberUp to its first evaluation starting; from the next
        /// generation's start if no genome waited for a slot when it came up (a generation's tail).</summary>
        public double? JoinToFirstEvaluation(IEnumerable<string> joined)
        {
            var windows = WaitingWindows().ToArray();
            var times = joined.Select(node =>
            {
                var up = NodeUp[node];
                var from = windows.Any(w => w.From <= up && up <= w.To) ? up
                    : windows.Select(w => w.From).Where(f => f > up).DefaultIfEmpty(up).Min();
                return Started.Where(s => NodeOf(s.Trainer) == node).Select(s => s.At)
                    .DefaultIfEmpty(DateTimeOffset.MaxValue).Min() - from;
            }).ToArray();
            return times.Length == 0 ? null : times.Max().TotalSeconds;
        }

        /// <summary>Per generation, while genomes waited for a slot: from its start to the start of its last
        /// evaluation.</summary>
        IEnumerable<(int Generation, DateTimeOffset From, DateTimeOffset To)> WaitingWindows()
        {
            var generationOf = Finished.ToDictionary(f => f.Genome.Key, f => f.Generation);
            foreach (var (generation, started) in Generations)
            {
                var starts = Started.Where(s => generationOf.GetValueOrDefault(s.Genome, -1) == generation)
                    .Select(s => s.At).ToArray();
                if (starts.Length > 0) yield return (generation, started.At, starts.Max());
            }
        }

        /// <summary>The slowest of the genomes in training on a node at its death, from the death to that genome
        /// starting again on another node.</summary>
        public double? DeathToElsewhere(DateTimeOffset killedAt)
        {
            var finished = Finished.Select(f => (f.Result.Trainer, f.Genome.Key)).ToHashSet();
            var lost = Started.Where(s => s.At < killedAt && !finished.Contains((s.Trainer, s.Genome))).ToArray();
            var restarts = lost.Select(l => Started.Where(s => s.Genome == l.Genome && s.At > killedAt)
                .Select(s => s.At).DefaultIfEmpty(DateTimeOffset.MaxValue).Min() - killedAt).ToArray();
            return restarts.Length == 0 ? null : restarts.Max().TotalSeconds;
        }

        /// <summary>Busy slot time over usable slot time, while genomes waited for a slot: in each generation (or
        /// round) from its start to the start of its last evaluation. Left out: the generation in which nodes died,
        /// and the time from the death to the dead nodes' genomes starting elsewhere (they wait for the failure
        /// detector, not for a slot; a steady-state run's rounds go on meanwhile). A slot is usable from its node's
        /// MemberUp until the node is unreachable or removed.
        /// </summary>
        public double Utilisation(DateTimeOffset? killedAt)
        {
            var windows = WaitingWindows().Where(w => !(killedAt is { } k && k >= w.From && k <= w.To))
                .Select(w => (w.From, w.To));
            if (killedAt is { } killed)
                windows = windows.SelectMany(w => Without(w, killed, killed.AddSeconds(DeathToElsewhere(killed) ?? 0)));
            var (busy, usable) = windows.Select(w => BusyAndUsable(w.From, w.To))
                .Aggregate((0.0, 0.0), (sum, w) => (sum.Item1 + w.Busy, sum.Item2 + w.Usable));
            return busy / usable;
        }

        /// <summary>The parts of a window outside the gap from <paramref name="gapFrom"/> to <paramref name="gapTo"/>.
        /// </summary>
        static IEnumerable<(DateTimeOffset From, DateTimeOffset To)> Without(
            (DateTimeOffset From, DateTimeOffset To) window, DateTimeOffset gapFrom, DateTimeOffset gapTo)
        {
            if (window.From < gapFrom) yield return (window.From, window.To < gapFrom ? window.To : gapFrom);
            if (window.To > gapTo) yield return (window.From > gapTo ? window.From : gapTo, window.To);
        }

        /// <summary>Busy slot time over usable slot time from the run's start to its last evaluation's end, every
        /// generation's tail and the dead nodes' lost trainings included.</summary>
        public double WholeRunUtilisation()
        {
            var (busy, usable) = BusyAndUsable(Generations[0].At, Finished.Max(f => f.Result.FinishedAt!.Value));
            return busy / usable;
        }

        (double Busy, double Usable) BusyAndUsable(DateTimeOffset from, DateTimeOffset to)
        {
            var ends = Finished.ToDictionary(f => (f.Result.Trainer, f.Genome.Key), f => f.Result.FinishedAt!.Value);
            var trainings = Started.ToArray();
            var trainers = trainings.Select(t => t.Trainer).Distinct().Where(t => NodeUp.ContainsKey(NodeOf(t)));
            var usable = trainers.Sum(trainer => Overlap(NodeUp[NodeOf(trainer)],
                NodeGone.GetValueOrDefault(NodeOf(trainer), DateTimeOffset.MaxValue), from, to));
            var busy = trainings.Sum(t => Overlap(t.At, ends.GetValueOrDefault((t.Trainer, t.Genome), // else lost
                NodeGone.GetValueOrDefault(NodeOf(t.Trainer), to)), from, to));
            return (busy, usable);
        }

        static double Overlap(DateTimeOffset start, DateTimeOffset end, DateTimeOffset from, DateTimeOffset to) =>
            Math.Max(0, ((end < to ? end : to) - (start > from ? start : from)).TotalSeconds);
    }

    sealed class Observer : ReceiveActor
    {
        public Observer(Observations observations)
        {
            Receive<ClusterEvent.MemberUp>(m => m.Member.HasRole(TrainerHostActor.Role),
                m => { observations.NodeUp.TryAdd(Name(m.Member.Address), DateTimeOffset.UtcNow); });
            Receive<ClusterEvent.MemberRemoved>(
                m => { observations.NodeGone.TryAdd(Name(m.Member.Address), DateTimeOffset.UtcNow); });
            Receive<ClusterEvent.UnreachableMember>(
                m => { observations.NodeGone.TryAdd(Name(m.Member.Address), DateTimeOffset.UtcNow); });
            Receive<ClusterEvent.IClusterDomainEvent>(_ => { });
            Receive<TrainingProgress>(p => p.Epoch == 0,
                p => observations.Started.Enqueue((p.Trainer, p.GenomeKey, DateTimeOffset.UtcNow)));
            Receive<TrainingProgress>(_ => { });
            Receive<GenerationStarted>(observations.Record);
            Receive<EvaluationRecorded>(observations.Finished.Enqueue);
            Receive<RunEvent>(_ => { });
        }

        protected override void PreStart()
        {
            Context.System.EventStream.Subscribe(Self, typeof(TrainingProgress));
            Akka.Cluster.Cluster.Get(Context.System).Subscribe(Self,
                ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents, typeof(ClusterEvent.IMemberEvent),
                typeof(ClusterEvent.IReachabilityEvent));
        }

        static string Name(Address node) => $"{node.Host}:{node.Port}";
    }

    public static void Print(IAnsiConsole console, IReadOnlyList<Result> results)
    {
        static string Seconds(double? s) => s is { } v ? $"{v:F2} s" : "-";
        var table = new Table().Border(TableBorder.Rounded)
            .Title("Trainer nodes on loopback with recorded training times, coordinator's figures")
            .AddColumns("Nodes x slots", "Mode", "Mean eval.", "Evals", "Seconds", "Evals/s", "Busy (work waiting)",
                "Busy (whole run)", "CPU / eval.", "Join -> 1st eval.", "Death -> elsewhere", "Journal events/s",
                "Peak memory");
        foreach (var r in results)
            table.AddRow(Cells.Plain($"{r.Setup.Nodes}x{r.Setup.Slots}",
                r.Setup.Mode == GaMode.SteadyState ? "steady" : "gener.",
                $"{r.Setup.EvaluationSeconds:0.###} s", $"{r.Evaluations:N0}", $"{r.Seconds:F1}",
                $"{r.Evaluations / r.Seconds:F1}", $"{r.Utilisation:P1}", $"{r.WholeRunUtilisation:P1}",
                $"{r.CpuMsPerEvaluation:F2} ms",
                Seconds(r.JoinToFirstEvaluation), Seconds(r.DeathToElsewhere), $"{r.JournalEventsPerSecond:N0}",
                $"{r.PeakMemory / 1048576.0:N0} MiB"));
        console.Write(table);
    }
}
