using Akka.Actor;
using Akka.Cluster;
using Akka.Configuration;
using ActorEvolve.Core.Fitness;
using ActorEvolve.Engine.Actors;

namespace ActorEvolve.Engine.Cluster;

/// <summary>A trainer node: an actor system with role <c>trainer</c> only, its trainer slots, joined to the cluster of
/// a search's coordinator, whose runs then send it genomes to train. The system ends when the coordinator leaves
/// or is lost (the split-brain resolver downs the trainers' side, which lacks the oldest node): the caller joins
/// again with a new system, so a resumed coordinator gets its trainers back.</summary>
public static class TrainerNodeHost
{
    /// <summary>Shuts the node down when the coordinator (role <c>population</c>) leaves the cluster.</summary>
    sealed class CoordinatorWatch : ReceiveActor
    {
        public CoordinatorWatch()
        {
            Receive<ClusterEvent.MemberRemoved>(m => m.Member.HasRole("population"),
                _ => CoordinatedShutdown.Get(Context.System).Run(CoordinatedShutdown.ClusterLeavingReason.Instance));
            Receive<ClusterEvent.IMemberEvent>(_ => { });
            Receive<ClusterEvent.CurrentClusterState>(_ => { });
        }

        protected override void PreStart() =>
            Akka.Cluster.Cluster.Get(Context.System).Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsSnapshot,
                typeof(ClusterEvent.MemberRemoved));
    }

    /// <summary>Starts the node and joins <paramref name="coordinator"/>; throws <see cref="TimeoutException"/> when no
    /// coordinator let it in within <paramref name="joinTimeout"/>.</summary>
    public static async Task<ActorSystem> StartAsync(Config config, IFitnessFunction fitness, int slots, Address coordinator,
        TimeSpan joinTimeout, CancellationToken cancellation)
    {
        var system = ActorSystem.Create(SearchHost.SystemName,
            ClusterSecurity.Setup(ConfigurationFactory.ParseString($"akka.cluster.roles = [{TrainerHostActor.Role}]").WithFallback(config)));
        StartSlots(system, fitness, slots);
        system.ActorOf(Props.Create<CoordinatorWatch>(), "coordinator-watch");
        var cluster = Akka.Cluster.Cluster.Get(system);
        var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        cluster.RegisterOnMemberUp(() => up.TrySetResult());
        cluster.JoinSeedNodes([coordinator]);
        try
        {
            await up.Task.WaitAsync(joinTimeout, cancellation);
            return system;
        }
        catch
        {
            await system.Terminate();
            throw;
        }
    }

    /// <summary>How long each step of a node's shutdown waits for its actors (and cancelled trainings) to stop.</summary>
    internal static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Starts the trainer slots of this node. Its coordinated shutdown cancels every training and waits
    /// until each has ended, so that no training thread outlives the actor system.</summary>
    public static IActorRef StartSlots(ActorSystem system, IFitnessFunction fitness, int slots)
    {
        var shutdown = new CancellationTokenSource();
        var address = ((ExtendedActorSystem)system).Provider.DefaultAddress;
        var nodeName = address.Host is null ? "local" : $"{address.Host}:{address.Port}";
        var host = system.ActorOf(TrainerHostActor.Props(fitness, nodeName, slots, shutdown.Token), TrainerHostActor.Name);
        CoordinatedShutdown.Get(system).AddTask(CoordinatedShutdown.PhaseServiceStop, "stop-trainings",
            async () =>
            {
                await shutdown.CancelAsync();
                // Each trainer's PostStop waits for its training; a timeout is logged and the shutdown goes on.
                await host.GracefulStop(StopTimeout);
                return Akka.Done.Instance;
            });
        return host;
    }

    public static Address CoordinatorAddress(Config config, string host, int port) =>
        new(ClusterSecurity.Protocol(config), SearchHost.SystemName, host, port);
}
