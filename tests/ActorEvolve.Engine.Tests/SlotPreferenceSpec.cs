using Akka.Actor;
using ActorEvolve.Engine.Actors;
using ActorEvolve.Engine.Cluster;
using ActorEvolve.Engine.Configuration;
using ActorEvolve.Engine.Protocol;

namespace ActorEvolve.Engine.Tests;

/// <summary>The slot lease over two real nodes: a request that prefers a node (where its genome's checkpoint is)
/// gets an idle slot there, and any idle slot when that node has none.</summary>
public sealed class SlotPreferenceSpec() : EngineSpec(systemName: SearchHost.SystemName)
{
    [Fact]
    public async Task A_request_gets_a_slot_on_its_preferred_node_when_one_is_idle_there_else_any_idle_slot()
    {
        var cluster = Akka.Cluster.Cluster.Get(Sys);
        Sys.EventStream.Subscribe(TestActor, typeof(TrainerNodesChanged));
        TrainerNodeHost.StartSlots(Sys, new FakeFitness(), 1, stateDirectory: null);
        cluster.Join(cluster.SelfAddress);
        var state = Directory.CreateTempSubdirectory("actorevolve-node-").FullName;
        var other = await TrainerNodeHost.StartAsync(
            HoconLoader.Load(overrides: [$"actorevolve.state-dir = {HoconLoader.Quote(state)}"]), new FakeFitness(), 1,
            cluster.SelfAddress, Patience, CancellationToken.None);
        try
        {
            var slots = Sys.ActorOf(TrainerSlotsActor.Props());
            FishForMessage<TrainerNodesChanged>(m => m.Nodes.Count == 2, Patience);
            var self = TrainerNames.Node(cluster.SelfAddress);
            var remote = TrainerNames.Node(Akka.Cluster.Cluster.Get(other).SelfAddress);

            var (first, second, third) = (CreateTestProbe(), CreateTestProbe(), CreateTestProbe());
            first.Send(slots, new TrainerWanted(PreferredNode: remote));
            var onRemote = first.ExpectMsg<TrainerAssigned>(Patience).Trainer;
            Assert.Equal(remote, NodeOf(onRemote));
            second.Send(slots, new TrainerWanted(PreferredNode: remote)); // busy there: the other node's slot
            Assert.Equal(self, NodeOf(second.ExpectMsg<TrainerAssigned>(Patience).Trainer));

            first.Send(slots, new TrainerReleased(onRemote));
            third.Send(slots, new TrainerWanted(PreferredNode: self)); // idle only on the remote node now
            Assert.Equal(remote, NodeOf(third.ExpectMsg<TrainerAssigned>(Patience).Trainer));
        }
        finally
        {
            await other.Terminate();
            Directory.Delete(state, recursive: true);
        }

        string NodeOf(IActorRef slot) =>
            TrainerNames.Node(slot.Path.Address.HasLocalScope ? cluster.SelfAddress : slot.Path.Address);
    }
}
