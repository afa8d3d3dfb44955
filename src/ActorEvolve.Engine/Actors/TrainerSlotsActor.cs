using Akka.Actor;
using Akka.Cluster;
using ActorEvolve.Engine.Protocol;

namespace ActorEvolve.Engine.Actors;

/// <summary>
/// Hands out trainer slots, following cluster membership: when a node with role <c>trainer</c> is up its trainer
/// host is asked for its slots (GetSlots → SlotsOffered), and each slot is watched once. Each GenomeActor borrows an
/// idle slot for one attempt, oldest request first (a backup for work on an unreachable node before all others), so
/// a request never waits behind another slot's long training while a slot sits idle; a request that prefers a node
/// (where its genome's checkpoint is) gets an idle slot there if there is one. When a node becomes unreachable or
/// leaves, its slots are no longer lent and each GenomeActor holding one is told (<see cref="TrainerUnreachable"/>:
/// it starts a backup elsewhere); when it is reachable again they are told so, and its slots are lent again once
/// free. When the node is downed or removed, or a slot's actor stops, the holder is told the slot is gone
/// (<see cref="TrainerGone"/>). The books are kept by <see cref="SlotLedger"/>.
/// </summary>
public sealed class TrainerSlotsActor : ReceiveActor
{
    readonly Akka.Cluster.Cluster _cluster = Akka.Cluster.Cluster.Get(Context.System);
    readonly SlotLedger _ledger = new();
    readonly List<Address> _reachable = []; // trainer nodes up and reachable, in the order they came
    IReadOnlyList<(string Node, int Slots)> _published = [];

    public TrainerSlotsActor()
    {
        Receive<ClusterEvent.MemberUp>(m => m.Member.HasRole(TrainerHostActor.Role), m => NodeUp(m.Member.Address));
        Receive<ClusterEvent.ReachableMember>(m => m.Member.HasRole(TrainerHostActor.Role) &&
                                                   m.Member.Status == MemberStatus.Up, m => NodeUp(m.Member.Address));
        Receive<ClusterEvent.UnreachableMember>(m => NodeUnreachable(m.Member.Address));
        Receive<ClusterEvent.IMemberEvent>(m => m.Member.Status is MemberStatus.Leaving or MemberStatus.Exiting,
            m => NodeUnreachable(m.Member.Address)); // a leaving node cancels its trainings as it stops
        Receive<ClusterEvent.IMemberEvent>(m => m.Member.Status is MemberStatus.Down or MemberStatus.Removed,
            m => NodeRemoved(m.Member.Address));
        Receive<ClusterEvent.IMemberEvent>(_ => { }); // joining, weakly up: not lent to yet
        Receive<SlotsOffered>(m =>
        {
            var node = Sender.Path.Address.HasLocalScope ? _cluster.SelfAddress : Sender.Path.Address;
            if (!_reachable.Contains(node)) return; // a node that went away meanwhile
            foreach (var slot in _ledger.Offered(NameOf(node), m.Slots)) Context.Watch(slot);
            NodesChanged();
        });
        Receive<TrainerWanted>(m =>
        {
            Context.Watch(Sender); // a GenomeActor that stops frees whatever it held or asked for
            _ledger.Want(Sender, m.PreferredNode, m.Backup);
            Assign();
        });
        Receive<ToEveryNode>(m =>
        {
            foreach (var node in _reachable) Host(node).Tell(m.Message, Sender);
        });
        Receive<TrainerReleased>(m =>
        {
            _ledger.Release(m.Trainer, Sender);
            Assign();
        });
        Receive<Terminated>(t => _ledger.IsSlot(t.ActorRef), t =>
        {
            _ledger.RemoveSlot(t.ActorRef)?.Tell(new TrainerGone(t.ActorRef));
            NodesChanged();
        });
        Receive<Terminated>(t =>
        {
            _ledger.Forget(t.ActorRef);
            Assign();
        });
    }

    public static Props Props() => Akka.Actor.Props.Create(() => new TrainerSlotsActor());

    /// <summary>The current members arrive as events too, so nodes already up are asked at once.</summary>
    protected override void PreStart() => _cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode
        .InitialStateAsEvents, typeof(ClusterEvent.IMemberEvent), typeof(ClusterEvent.IReachabilityEvent));

    protected override void PostStop() => _cluster.Unsubscribe(Self);

    string NameOf(Address node) => TrainerNames.Node(node.HasLocalScope ? _cluster.SelfAddress : node);

    ActorSelection Host(Address node) =>
        Context.ActorSelection(new RootActorPath(node) / "user" / TrainerHostActor.Name);

    /// <summary>Up, or reachable again: a node whose slots are known lends them again (busy ones once free), else its
    /// host is asked for them.</summary>
    void NodeUp(Address node)
    {
        if (!_reachable.Contains(node)) _reachable.Add(node);
        if (_ledger.SlotCount(NameOf(node)) is null)
        {
            Host(node).Tell(GetSlots.Instance);
            return;
        }
        Tell(_ledger.Reachable(NameOf(node)), trainer => new TrainerReachable(trainer));
        NodesChanged();
    }

    void NodeUnreachable(Address node)
    {
        _reachable.Remove(node);
        Tell(_ledger.Unreachable(NameOf(node)), trainer => new TrainerUnreachable(trainer));
        NodesChanged();
    }

    void NodeRemoved(Address node)
    {
        _reachable.Remove(node);
        Tell(_ledger.Remove(NameOf(node)), trainer => new TrainerGone(trainer));
        NodesChanged();
    }

    static void Tell(IEnumerable<(IActorRef Holder, IActorRef Trainer)> holders, Func<IActorRef, object> message)
    {
        foreach (var (holder, trainer) in holders) holder.Tell(message(trainer));
    }

    /// <summary>Publishes the reachable nodes whose slots are known when they changed, and lends what is idle.
    /// </summary>
    void NodesChanged()
    {
        var nodes = _reachable.Select(NameOf).Where(n => _ledger.SlotCount(n) is not null)
            .Select(n => (n, _ledger.SlotCount(n)!.Value)).ToArray();
        if (!nodes.SequenceEqual(_published))
            Context.System.EventStream.Publish(new TrainerNodesChanged(nodes));
        _published = nodes;
        Assign();
    }

    void Assign()
    {
        foreach (var (genomeActor, trainer) in _ledger.Assign()) genomeActor.Tell(new TrainerAssigned(trainer));
    }
}
