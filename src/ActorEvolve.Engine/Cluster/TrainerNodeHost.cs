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
            ClusterSecurity.Setup(ConfigurationFactory.ParseString($"akka.cluster.roles = [{TrainerPool.Role}]").WithFallback(config)));
        TrainerNode.Register(system, fitness);
        system.ActorOf(TrainerHostActor.Props(slots), TrainerHostActor.Name);
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

    public static Address CoordinatorAddress(Config config, string host, int port) =>
        new(ClusterSecurity.Protocol(config), SearchHost.SystemName, host, port);
}
