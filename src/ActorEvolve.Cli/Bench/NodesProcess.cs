using System.Diagnostics;
using System.Globalization;
using Akka.Actor;
using Akka.Configuration;
using ActorEvolve.Cli.Composition;
using ActorEvolve.Engine.Cluster;
using ActorEvolve.Engine.Configuration;

namespace ActorEvolve.Cli.Bench;

/// <summary>A child process of <c>bench cluster</c> (<c>actorevolve bench cluster-nodes</c>): trainer nodes, each a
/// real actor system on loopback, joined to the bench's coordinator. It prints one line once all of them are up
/// and runs until it is stopped (or killed: the bench's node death).</summary>
public static class NodesProcess
{
    const string Ready = "ready";

    /// <summary>What a simulated node changes in Akka's settings, and only a simulated node (the coordinator and real
    /// trainer nodes keep the defaults). Akka's scheduler ticks every 10 ms by default, a wake-up of the timer
    /// thread and a thread-pool work item each time, per actor system: 10,000 a second for 100 nodes, which cost
    /// them about a fifth of their CPU (1.10 → 0.90 cores at 100 nodes, idle-ish). A node's timers are its
    /// heartbeats, gossip and failure-detector ticks (1 s) and remoting's; 100 ms is ample for them. A training's
    /// delay does not use the scheduler.</summary>
    const string SimulatedNode = "akka.scheduler.tick-duration = 100ms";

    public static Process Start(Address coordinator, int nodes, ClusterBench.Setup setup, string log)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true };
        // A hundred simulated nodes share this machine's cores, where a real node has its own: idle thread-pool
        // workers that spin before they sleep would take the CPU the other processes need, and so would the JIT
        // compiling every hot method a second time with profile-guided optimisation (0.13-0.15 cores for 100 nodes
        // during the first minutes, measured with /proc's per-thread CPU time: ".NET Tiered Compilation").
        start.Environment["DOTNET_ThreadPool_UnfairSemaphoreSpinLimit"] = "0";
        start.Environment["DOTNET_TieredPGO"] = "0";
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
            start.ArgumentList.Add(typeof(NodesProcess).Assembly.Location);
        foreach (var arg in new[] { "bench", "cluster-nodes", "--join", $"{coordinator.Host}:{coordinator.Port}",
                     "--nodes", $"{nodes}", "--cluster-size", $"{setup.Nodes}", "--slots", $"{setup.Slots}",
                     "--grid", setup.Grid, "--log", log,
                     "--evaluation-seconds", setup.EvaluationSeconds.ToString(CultureInfo.InvariantCulture) })
            start.ArgumentList.Add(arg);
        return Process.Start(start)!;
    }

    /// <summary>Waits until the child's nodes are all up; returns their addresses (host:port).</summary>
    public static async Task<IReadOnlyList<string>> WaitReadyAsync(Process process, string log,
        CancellationToken cancellation)
    {
        var line = await process.StandardOutput.ReadLineAsync(cancellation);
        if (line?.Split(' ') is [Ready, .. var nodes]) return nodes;
        throw new ClusterBench.SetupFailed(
            $"the trainer nodes of {Path.GetFileNameWithoutExtension(log)} did not start ({line ?? "no output"})");
    }

    /// <summary>The child's side: starts the nodes, says so, and waits for the stop.</summary>
    /// <param name="clusterSize">The bench's trainer nodes in all its processes (for its cluster settings).</param>
    public static async Task<int> RunAsync(string join, int nodes, int clusterSize, int slots,
        double evaluationSeconds, string grid, string log, CancellationToken cancellation)
    {
        var (host, port) = Commands.SharedOptions.ParseEndpoint(join, "--join");
        // Membership and downing decisions, one log per node (the bench keeps them when a configuration fails).
        var config = HoconLoader.Load(
            overrides: ["akka.loglevel = INFO", .. ClusterBench.ClusterOverrides(clusterSize), SimulatedNode]);
        var coordinator = TrainerNodeHost.CoordinatorAddress(config, host, port);
        var fitness = new RecordedDelayFitness(RecordedDelayFitness.Read(grid), evaluationSeconds);
        using var stop = new StopSignal(cancellation);
        // Each node keeps its rung checkpoints in its own state folder, as separate machines would.
        Config NodeConfig(int node) => ConfigurationFactory.ParseString(
                $"actorevolve.state-dir = {HoconLoader.Quote(Path.ChangeExtension(log, $"node{node}-state"))}")
            .WithFallback(Engine.Logging.FileLogger.LogTo(Path.ChangeExtension(log, $"node{node}.log"), config));
        var starting = Enumerable.Range(1, nodes).Select(node => TrainerNodeHost.StartAsync(NodeConfig(node), fitness,
            slots, coordinator, TimeSpan.FromMinutes(2), stop.Token)).ToArray();
        try
        {
            await Task.WhenAll(starting);
        }
        catch (TimeoutException e)
        {
            System.Console.WriteLine(e.Message); // the bench reports it in its line
            return 1;
        }
        var systems = starting.Select(t => t.Result).ToArray();
        System.Console.WriteLine(string.Join(' ', systems.Select(s => Akka.Cluster.Cluster.Get(s).SelfAddress)
            .Select(a => $"{a.Host}:{a.Port}").Prepend(Ready)));
        await Task.WhenAny(Task.Delay(Timeout.Infinite, stop.Token),
            Task.WhenAll(systems.Select(s => s.WhenTerminated)));
        await Task.WhenAll(systems.Select(s => s.Terminate()));
        return 0;
    }
}
