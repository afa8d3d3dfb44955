using Akka.Actor;
using Akka.Cluster.Routing;
using Akka.Routing;
using ActorEvolve.Engine.Actors;

namespace ActorEvolve.Engine.Cluster;

/// <summary>
/// The routed pool of TrainerActors: cluster-aware, so every node with role <c>trainer</c> contributes its slots.
/// SmallestMailbox sends to an idle slot first; the PopulationActor never has more requests in flight than there
/// are routees, so with one request per slot no request waits behind another slot's long training.
/// </summary>
public static class TrainerPool
{
    public const string Role = "trainer";
    public const string Name = "trainers";
    public const string Dispatcher = "actorevolve.trainer-dispatcher";

    public static IActorRef Start(ActorSystem system, int slotsPerNode)
    {
        // A trainer that crashes holds nothing worth keeping: restart it; the GenomeActor retries its genome.
        var pool = new SmallestMailboxPool(0).WithSupervisorStrategy(new OneForOneStrategy(_ => Directive.Restart));
        var settings = new ClusterRouterPoolSettings(totalInstances: 100_000, maxInstancesPerNode: slotsPerNode,
            allowLocalRoutees: true, useRole: Role);
        return system.ActorOf(Props.Create<TrainerActor>().WithDispatcher(Dispatcher)
            .WithRouter(new ClusterRouterPool(pool, settings)), Name);
    }
}
