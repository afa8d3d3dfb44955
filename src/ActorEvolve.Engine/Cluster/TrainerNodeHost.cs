using Akka.Actor;
using Akka.Cluster;
using Akka.Configuration;
using ActorEvolve.Core.Fitness;
using ActorEvolve.Engine.Actors;
using ActorEvolve.Engine.Configuration;
using ActorEvolve.Engine.Protocol;

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
            Akka.Cluster.Cluster.Get(Context.System).Subscribe(Self,
                ClusterEvent.SubscriptionInitialStateMode.InitialStateAsSnapshot,
                typeof(ClusterEvent.MemberRemoved));
    }

    /// <summary>Starts the node and joins <paramref name="coordinator"/>; throws <see cref="TimeoutException"/> when no
    /// coordinator let it in within <paramref name="joinTimeout"/>.</summary>
    public static async Task<ActorSystem> StartAsync(Config config, IFitnessFunction fitness, int slots,
        Address coordinator, TimeSpan joinTimeout, CancellationToken cancellation)
    {
        var system = ActorSystem.Create(SearchHost.SystemName,
            ClusterSecurity.Setup(ConfigurationFactory.ParseString($"akka.cluster.roles = [{TrainerHostActor.Role}]")
                .WithFallback(config)));
        StartSlots(system, fitness, slots, EngineSettings.ReadStateDirectory(config));
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

    /// <summary>How long each step of a node's shutdown waits for its actors (and cancelled trainings) to stop.
    /// </summary>
    internal static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Starts the trainer slots of this node. Its coordinated shutdown cancels every training and waits
    /// until each has ended, so that no training thread outlives the actor system.</summary>
    /// <param name="stateDirectory">This node's state folder: where it saves a winner's model (null: nowhere).
    /// </param>
    public static IActorRef StartSlots(ActorSystem system, IFitnessFunction fitness, int slots,
        string? stateDirectory)
    {
        var shutdown = new CancellationTokenSource();
        var address = ((ExtendedActorSystem)system).Provider.DefaultAddress;
        var host = system.ActorOf(
            TrainerHostActor.Props(fitness, TrainerNames.Node(address), slots, stateDirectory, shutdown.Token),
            TrainerHostActor.Name);
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

    /// <summary>Serves as a trainer node until <paramref name="cancellation"/>: joins <paramref name="coordinator"/>,
    /// trains what its runs send, and when the coordinator goes away (it crashed, or its run is being resumed) joins
    /// again, without giving up, so a resumed coordinator gets its trainers back. Cancelling leaves the cluster
    /// gracefully: the coordinator retries this node's trainings elsewhere.</summary>
    /// <param name="firstJoinTimeout">How long the first join may take before this fails with a
    /// <see cref="ConfigException"/>.</param>
    /// <param name="joined">Told this node's address each time it has joined.</param>
    /// <param name="lost">Told each time the coordinator went away.</param>
    public static async Task ServeAsync(Config config, IFitnessFunction fitness, int slots, Address coordinator,
        TimeSpan firstJoinTimeout, Action<Address>? joined, Action? lost, CancellationToken cancellation)
    {
        for (var joins = 0; !cancellation.IsCancellationRequested; joins++)
        {
            ActorSystem system;
            try
            {
                system = await StartAsync(config, fitness, slots, coordinator,
                    joins == 0 ? firstJoinTimeout : Timeout.InfiniteTimeSpan, cancellation);
            }
            catch (TimeoutException)
            {
                throw new ConfigException($"cannot join the search at {coordinator.Host}:{coordinator.Port}: " +
                                          "no coordinator let this node in within " +
                                          $"{Durations.Format(firstJoinTimeout)} " +
                                          $"({TlsHint(config)})");
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (Exception e) when (RemotingEndpoint.IsBindFailure(e))
            {
                throw RemotingEndpoint.BindFailure(config, e);
            }
            joined?.Invoke(Akka.Cluster.Cluster.Get(system).SelfAddress);
            await Task.WhenAny(system.WhenTerminated, Task.Delay(Timeout.Infinite, cancellation));
            if (cancellation.IsCancellationRequested)
            {
                await CoordinatedShutdown.Get(system).Run(CoordinatedShutdown.ClusterLeavingReason.Instance);
                return;
            }
            lost?.Invoke();
        }
    }

    static string TlsHint(Config config) => ClusterSecurity.Protocol(config) == "akka.ssl.tcp"
        ? "this node uses TLS: the coordinator must run with the same --tls-cert"
        : "this node does not use TLS: if the search runs with --tls-cert, give this node the same certificate";

    public static Address CoordinatorAddress(Config config, string host, int port) =>
        new(ClusterSecurity.Protocol(config), SearchHost.SystemName, host, port);
}
