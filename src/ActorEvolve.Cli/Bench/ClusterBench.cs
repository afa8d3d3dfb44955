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
/// <see cref="RecordedDelayFitness"/>. With 3 nodes or more (unless churn is off), some nodes join after the run
/// started and others are killed (SIGKILL to their process) during it. Figures from the coordinator's side: slot
/// utilisation while genomes wait for a slot, the coordinator's CPU per evaluation and its memory, join → first
/// evaluation on that node, death → the dead node's genomes training elsewhere, journal events per second.
/// </summary>
public static class ClusterBench
{
    /// <param name="Population">Genomes per generation: several per slot, so that genomes wait for slots.</param>
    /// <param name="Mode">Generations, or steady state for as many births (rounds stand in for generations).</param>
    /// <param name="Rungs">Successive halving per generation (the grid must have learning curves), or none.</param>
    /// <param name="Churn">Nodes join late and die (from 3 nodes on); off: the scheduling alone.</param>
    public sealed record Setup(int Nodes, int Slots, double EvaluationSeconds, int Generations, int Population,
        string Grid, GaMode Mode = GaMode.Generational, RungSettings? Rungs = null, bool Churn = true);

    /// <param name="Utilisation">While genomes waited for a slot (each generation's or round's tail left out).</param>
    /// <param name="WholeRunUtilisation">From the run's start to its last evaluation's end, tails included.</param>
    /// <param name="NodeCores">The CPU the simulated nodes used during the run (the killed ones left out), in cores:
    /// what the simulation itself takes from this machine.</param>
    /// <param name="Kept">The folder with the coordinator's and the nodes' logs and the per-slot timeline, when kept.
    /// </param>
    /// <param name="Trials">Trainings that came back: the evaluations, and with rungs each rung trial.</param>
    /// <param name="WholeRunCancelled">Of the whole run's slot time, on rung trials cancelled when their generation's
    /// rungs settled (counted busy in <paramref name="WholeRunUtilisation"/>).</param>
    public sealed record Result(Setup Setup, int Evaluations, int Trials, double Seconds, double Utilisation,
        double WholeRunUtilisation, double WholeRunCancelled, HandOver HandOver, double CpuMsPerEvaluation,
        double NodeCores, double? JoinToFirstEvaluation, double? DeathToElsewhere, double JournalEventsPerSecond,
        long PeakMemory, string? Kept);

    /// <summary>A slot's time between two trainings while genomes waited: from an answer reaching the coordinator to
    /// the slot's next request leaving (lending), and from that request to the trainer's "started" coming back
    /// (trip); each as a share of usable slot time, and the gaps' median and 99th percentile.</summary>
    public sealed record HandOver(double Lending, double LendingMedianMs, double LendingP99Ms, double Trip,
        double TripMedianMs, double TripP99Ms);

    /// <summary>A configuration that could not be measured on this machine (its nodes did not all join, or a node
    /// that was not killed was lost).</summary>
    public sealed class SetupFailed(string message) : Exception(message);

    /// <summary>Trainer nodes per child process: processes start one after another, each once the previous one's
    /// nodes are all up, so that a hundred nodes do not join at once on a small machine. Each process costs a runtime
    /// (thread pool, timers, JIT, GC): 100 idle-ish nodes took 0.83 cores in processes of 10, 0.63 in processes of 20
    /// (0.73 in processes of 40, within the noise of a shared machine).</summary>
    const int NodesPerProcess = 20;

    /// <summary>What the bench changes in Akka's cluster settings, on every node of a cluster of
    /// <paramref name="nodes"/> trainer nodes. From 64 nodes on, the failure detector accepts heartbeat pauses of 20 s
    /// (3 s by default), as a user would set it for a large cluster on busy machines: here a hundred simulated nodes
    /// and their coordinator share two cores, and processes were seen to send no heartbeat for up to 15 s; with the
    /// default they were marked unreachable and downed before the run ended. The price: a dead node is noticed
    /// later (its genomes move elsewhere after the pause and the split-brain resolver's stable-after).</summary>
    public static string[] ClusterOverrides(int nodes) =>
        nodes >= 64 ? ["akka.cluster.failure-detector.acceptable-heartbeat-pause = 20s"] : [];

    /// <summary>Nodes that join late and nodes that are killed: a tenth each, none below 3 nodes.</summary>
    static int Churn(Setup setup) => setup.Churn && setup.Nodes >= 3 ? Math.Max(1, setup.Nodes / 10) : 0;

    /// <param name="keep">Keep the logs and the per-slot timeline (they are always kept when a configuration fails).
    /// </param>
    public static async Task<Result> RunAsync(Setup setup, bool keep, CancellationToken cancellation)
    {
        var scratch = Directory.CreateTempSubdirectory("actorevolve-bench-cluster-").FullName;
        var nodes = new List<Process>();
        try
        {
            var result = await MeasureAsync(setup, scratch, nodes, cancellation);
            return result with { Kept = keep ? scratch : null };
        }
        catch (Exception e) when (e is SetupFailed or TimeoutException)
        {
            keep = true;
            throw new SetupFailed($"{e.Message}; logs kept in {scratch}");
        }
        finally
        {
            foreach (var process in nodes.Where(p => !p.HasExited)) process.Kill(entireProcessTree: true);
            foreach (var process in nodes) await process.WaitForExitAsync(CancellationToken.None);
            if (!keep) Directory.Delete(scratch, recursive: true);
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
            .. setup.Rungs is { } rungs
                ? [$"actorevolve.ga.rungs = [{string.Join(", ", rungs.Epochs)}]",
                    $"actorevolve.ga.reduction = {rungs.Reduction}"]
                : Array.Empty<string>(),
            "akka.loglevel = INFO", // membership and downing decisions, in the logs kept for a failed configuration
            .. ClusterOverrides(setup.Nodes),
        ]);
        config = Engine.Logging.FileLogger.LogTo(Path.Combine(scratch, "coordinator.log"), config);
        var engine = EngineSettings.From(config);
        engine.Journal.Preflight(mustExist: false);
        await using var host = await SearchHost.StartAsync(config, engine.Journal, new HashFitness(),
            TimeSpan.FromSeconds(30));
        var self = Akka.Cluster.Cluster.Get(host.System).SelfAddress;
        var observer = new ClusterObservations();
        var listener = host.System.ActorOf(Props.Create(() => new Observer(observer)), "bench-observer");

        var churn = Churn(setup);
        var victims = new List<(Process Process, IReadOnlyList<string> Nodes)>();
        async Task<IReadOnlyList<string>> StartNodesAsync(int count, string name)
        {
            var started = new List<string>();
            for (var batch = 0; batch * NodesPerProcess < count; batch++)
            {
                var log = Path.Combine(scratch, $"{name}-{batch + 1}.log");
                var process = NodesProcess.Start(self, Math.Min(NodesPerProcess, count - batch * NodesPerProcess),
                    setup, log);
                nodes.Add(process);
                var up = await NodesProcess.WaitReadyAsync(process, log, cancellation);
                if (name == "victims") victims.Add((process, up));
                foreach (var node in up.Where(_ => name == "victims")) observer.Victims[node] = true;
                started.AddRange(up);
            }
            return started;
        }
        await StartNodesAsync(churn, "victims");
        await StartNodesAsync(setup.Nodes - 2 * churn, "stable");

        var files = new RunFiles(Path.Combine(scratch, "run"));
        var settings = engine.For("bench", null, "");
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var nodesCpu = nodes.ToDictionary(p => p.Id, p => p.TotalProcessorTime);
        var watch = Stopwatch.StartNew();
        var run = host.RunAsync(settings, false, 0, files, RunPlan.EngineSummary(config, engine), [listener]);
        DateTimeOffset? killed = null;
        if (churn > 0)
        {
            // Generation 1: nodes join while genomes wait. Generation 2: nodes die while they train.
            await observer.GenerationStarted(1).WaitAsync(cancellation);
            await StartNodesAsync(churn, "joiners");
            await observer.GenerationStarted(2).WaitAsync(cancellation);
            await Task.Delay(TimeSpan.FromSeconds(setup.EvaluationSeconds / 2), cancellation); // mid-training
            foreach (var victim in victims) victim.Process.Kill(entireProcessTree: true);
            killed = DateTimeOffset.UtcNow;
        }
        var lostNode = observer.UnexpectedRemoval;
        if (await Task.WhenAny(run, lostNode, host.System.WhenTerminated) != run)
            throw new SetupFailed(lostNode.IsCompleted
                ? $"trainer node {lostNode.Result} was removed from the cluster without being killed"
                : "the coordinator's actor system stopped during the run");
        await run.WaitAsync(cancellation);
        var seconds = watch.Elapsed.TotalSeconds;
        var cpuUsed = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        var nodesCpuUsed = nodes.Where(p => !p.HasExited)
            .Sum(p => (p.TotalProcessorTime - nodesCpu.GetValueOrDefault(p.Id)).TotalSeconds);
        observer.WriteTimeline(Path.Combine(scratch, "timeline.csv"));
        var lost = observer.NodeGone.Keys.Except(victims.SelectMany(v => v.Nodes)).Order().ToArray();
        if (lost.Length > 0)
            throw new SetupFailed($"{lost.Length} trainer node(s) that were not killed became unreachable or left " +
                                  $"during the run (first: {lost[0]}, at {observer.NodeGone[lost[0]]:HH:mm:ss.fff})");
        var evaluations = observer.Finished.Count;
        var generations = observer.Generations.Count;
        return new Result(setup, evaluations, observer.Answered, seconds, observer.Utilisation(killed),
            observer.WholeRunUtilisation(), observer.WholeRunCancelled(), observer.HandOver(killed),
            cpuUsed.TotalMilliseconds / evaluations, nodesCpuUsed / seconds,
            churn > 0
                ? observer.JoinToFirstEvaluation(observer.NodesUpAfter(observer.GenerationStartedAt(1)), killed)
                : null,
            killed is { } at ? observer.DeathToElsewhere(at) : null,
            (evaluations + (setup.Rungs is null ? 0 : observer.Answered) + 2 * generations) / seconds,
            Process.GetCurrentProcess().PeakWorkingSet64, null);
    }

    sealed class Observer : ReceiveActor
    {
        public Observer(ClusterObservations observations)
        {
            Receive<ClusterEvent.MemberUp>(m => m.Member.HasRole(TrainerHostActor.Role),
                m => { observations.NodeUp.TryAdd(TrainerNames.Node(m.Member.Address), DateTimeOffset.UtcNow); });
            Receive<ClusterEvent.MemberRemoved>(m => m.Member.HasRole(TrainerHostActor.Role),
                m => observations.Removed(TrainerNames.Node(m.Member.Address), DateTimeOffset.UtcNow));
            Receive<ClusterEvent.UnreachableMember>(
                m => { observations.NodeGone.TryAdd(TrainerNames.Node(m.Member.Address), DateTimeOffset.UtcNow); });
            Receive<ClusterEvent.IClusterDomainEvent>(_ => { });
            Receive<TrainingProgress>(p => p.Epoch == 0,
                p => observations.Started.Enqueue((p.Trainer, p.GenomeKey, DateTimeOffset.UtcNow)));
            Receive<TrainingProgress>(_ => { });
            Receive<GenerationStarted>(observations.Record);
            Receive<EvaluationRecorded>(observations.Finished.Enqueue);
            Receive<SlotAttempt>(observations.Attempts.Enqueue);
            Receive<RunEvent>(_ => { });
        }

        protected override void PreStart()
        {
            Context.System.EventStream.Subscribe(Self, typeof(TrainingProgress));
            Context.System.EventStream.Subscribe(Self, typeof(SlotAttempt));
            Akka.Cluster.Cluster.Get(Context.System).Subscribe(Self,
                ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents, typeof(ClusterEvent.IMemberEvent),
                typeof(ClusterEvent.IReachabilityEvent));
        }
    }

    public static void Print(IAnsiConsole console, IReadOnlyList<Result> results)
    {
        static string Seconds(double? s) => s switch
        {
            null => "-", double.PositiveInfinity => "never", var v => $"{v:F2} s",
        };
        static string Mode(Result r) => (r.Setup.Mode == GaMode.SteadyState ? "steady" : "gener.") +
            (r.Setup.Rungs is { } rungs ? $", rungs {string.Join("/", rungs.Epochs)} η {rungs.Reduction}" : "");
        // A rung run's own figures, at the end: without rungs they say nothing new.
        var rungs = results.Any(r => r.Setup.Rungs is not null);
        string[] RungFigures(Result r) => rungs ? [$"{r.Trials:N0}", $"{r.WholeRunCancelled:P1}"] : [];
        var table = new Table().Border(TableBorder.Rounded)
            .Title("Trainer nodes on loopback with recorded training times, coordinator's figures")
            .AddColumns("Nodes x slots", "Mode", "Mean eval.", "Evals", "Seconds", "Evals/s", "Busy (work waiting)",
                "Busy (whole run)", "CPU / eval.", "Nodes' CPU (cores)", "Join -> 1st eval.", "Death -> elsewhere",
                "Journal events/s", "Peak memory")
            .AddColumns(rungs ? ["Trainings", "Cancelled (whole run)"] : Array.Empty<string>());
        foreach (var r in results)
            table.AddRow(Cells.Plain([$"{r.Setup.Nodes}x{r.Setup.Slots}", Mode(r),
                $"{r.Setup.EvaluationSeconds:0.###} s", $"{r.Evaluations:N0}", $"{r.Seconds:F1}",
                $"{r.Evaluations / r.Seconds:F1}", $"{r.Utilisation:P1}", $"{r.WholeRunUtilisation:P1}",
                $"{r.CpuMsPerEvaluation:F2} ms", $"{r.NodeCores:F2}",
                Seconds(r.JoinToFirstEvaluation), Seconds(r.DeathToElsewhere), $"{r.JournalEventsPerSecond:N0}",
                $"{r.PeakMemory / 1048576.0:N0} MiB", .. RungFigures(r)]));
        console.Write(table);

        static string Gap(double share, double median, double p99) => $"{share:P1}, {median:F0} / {p99:F0} ms";
        var handOver = new Table().Border(TableBorder.Rounded)
            .Title("Where a slot's time went while genomes waited (share of slot time; gap median / 99th percentile)")
            .AddColumns("Nodes x slots", "Mode", "Training", "Answer -> next request", "Request -> started");
        foreach (var r in results)
            handOver.AddRow(Cells.Plain($"{r.Setup.Nodes}x{r.Setup.Slots}", Mode(r), $"{r.Utilisation:P1}",
                Gap(r.HandOver.Lending, r.HandOver.LendingMedianMs, r.HandOver.LendingP99Ms),
                Gap(r.HandOver.Trip, r.HandOver.TripMedianMs, r.HandOver.TripP99Ms)));
        console.Write(handOver);
        foreach (var r in results.Where(r => r.Kept is not null))
            console.WriteLine($"{r.Setup.Nodes}x{r.Setup.Slots}: logs and per-slot timeline kept in {r.Kept}");
    }
}
