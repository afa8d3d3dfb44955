using Akka.Actor;
using Akka.Cluster.Routing;
using Akka.Routing;
using ActorEvolve.Engine.Actors;

namespace ActorEvolve.Engine.Cluster;

/// <summary>
/// The routed pool of trainers: a cluster-aware router over the trainer host (<c>/user/trainers</c>) of every node
/// with role <c>trainer</c>, as nodes join and leave. The run's <see cref="TrainerSlotsActor"/> reads its routees
/// and asks each host for its slots; it hands idle slots to GenomeActors itself, because no router knows which
/// slots are busy training (see docs/architecture.md).
/// </summary>
public static class TrainerPool
{
    public const string Role = "trainer";

    public static IActorRef Start(ActorSystem system) =>
        system.ActorOf(new ClusterRouterGroup(new RoundRobinGroup($"/user/{TrainerHostActor.Name}"),
            new ClusterRouterGroupSettings(totalInstances: 10_000, routeesPaths: [$"/user/{TrainerHostActor.Name}"],
                allowLocalRoutees: true, useRole: Role)).Props(), "trainer-nodes");
}
