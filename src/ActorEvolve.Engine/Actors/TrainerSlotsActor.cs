using Akka.Actor;
using Akka.Cluster;
using ActorEvolve.Engine.Protocol;

namespace ActorEvolve.Engine.Actors;

/// <summary>
/// Hands out trainer slots, following cluster membership: when a node with role <c>trainer</c> is up (or reachable
/// again) its trainer host is asked for its slots (GetSlots → SlotsOffered); when it becomes unreachable, leaves or
/// is downed, its slots are gone. Each GenomeActor borrows an idle slot for one attempt, oldest request first, so a
/// request never waits behind another slot's long training while a slot sits idle, whatever the mix of fast and
/// slow genomes; a request that prefers a node (where its genome's checkpoint is) gets an idle slot there if there is
/// one. A slot that stops (its node is shutting down) is never lent again.
/// </summary>
public sealed class TrainerSlotsActor : ReceiveActor
{
    readonly Akka.Cluster.Cluster _cluster = Akka.Cluster.Cluster.Get(Context.System);
    readonly List<(IActorRef Asker, string? Node)> _waiting = []; // GenomeActors that want a slot, oldest first
    readonly Dictionary<IActorRef, IActorRef> _busy = [];   // slot → the GenomeActor using it
    readonly List<Address> _nodes = [];                     // trainer nodes up and reachable, in the order they came
    readonly Dictionary<Address, IReadOnlyList<IActorRef>> _slotsByNode = []; // those whose host answered GetSlots
    IReadOnlyList<IActorRef> _slots = [];

    public TrainerSlotsActor()
    {
        Receive<ClusterEvent.MemberUp>(m => m.Member.HasRole(TrainerHostActor.Role), m => NodeUp(m.Member.Address));
        Receive<ClusterEvent.ReachableMember>(m => m.Member.HasRole(TrainerHostActor.Role) &&
                                                   m.Member.Status == MemberStatus.Up, m => NodeUp(m.Member.Address));
        Receive<ClusterEvent.UnreachableMember>(m => NodeGone(m.Member.Address));
        Receive<ClusterEvent.IMemberEvent>(m => m.Member.Status is MemberStatus.Leaving or MemberStatus.Exiting
            or MemberStatus.Down or MemberStatus.Removed, m => NodeGone(m.Member.Address));
        Receive<ClusterEvent.IMemberEvent>(_ => { }); // joining, weakly up: not lent to yet
        Receive<SlotsOffered>(m =>
        {
            var node = Sender.Path.Address.HasLocalScope ? _cluster.SelfAddress : Sender.Path.Address;
            if (!_nodes.Contains(node)) return; // a node that went away meanwhile
            _slotsByNode[node] = m.Slots;
            UpdateSlots();
        });
        Receive<TrainerWanted>(m =>
        {
            Context.Watch(Sender); // a GenomeActor that stops frees whatever it held or asked for
            _waiting.Add((Sender, m.PreferredNode));
            Assign();
        });
        Receive<ToEveryNode>(m =>
        {
            foreach (var node in _nodes) Host(node).Tell(m.Message, Sender);
        });
        Receive<TrainerReleased>(m =>
        {
            _busy.Remove(m.Trainer);
            Assign();
        });
        Receive<Terminated>(t => _slots.Contains(t.ActorRef), t =>
        {
            foreach (var node in _slotsByNode.Keys.ToArray())
                _slotsByNode[node] = _slotsByNode[node].Where(s => !s.Equals(t.ActorRef)).ToArray();
            _busy.Remove(t.ActorRef);
            UpdateSlots();
        });
        Receive<Terminated>(t =>
        {
            _waiting.RemoveAll(w => w.Asker.Equals(t.ActorRef));
            foreach (var slot in _busy.Where(b => b.Value.Equals(t.ActorRef)).Select(b => b.Key).ToArray())
                _busy.Remove(slot);
            Assign();
        });
    }

    public static Props Props() => Akka.Actor.Props.Create(() => new TrainerSlotsActor());

    /// <summary>The current members arrive as events too, so nodes already up are asked at once.</summary>
    protected override void PreStart() => _cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode
        .InitialStateAsEvents, typeof(ClusterEvent.IMemberEvent), typeof(ClusterEvent.IReachabilityEvent));

    protected override void PostStop() => _cluster.Unsubscribe(Self);

    void NodeUp(Address node)
    {
        if (!_nodes.Contains(node)) _nodes.Add(node);
        Host(node).Tell(GetSlots.Instance);
    }

    ActorSelection Host(Address node) =>
        Context.ActorSelection(new RootActorPath(node) / "user" / TrainerHostActor.Name);

    void NodeGone(Address node)
    {
        if (!_nodes.Remove(node)) return;
        _slotsByNode.Remove(node);
        UpdateSlots(); // its busy slots: their GenomeActors see the trainers terminate and retry elsewhere
    }

    void UpdateSlots()
    {
        var nodes = _nodes.Where(_slotsByNode.ContainsKey).ToArray();
        var slots = nodes.SelectMany(n => _slotsByNode[n]).ToArray();
        if (!slots.SequenceEqual(_slots))
            Context.System.EventStream.Publish(new TrainerNodesChanged(
                nodes.Select(n => (TrainerNames.Node(n), _slotsByNode[n].Count)).ToArray()));
        foreach (var slot in slots.Except(_slots)) Context.Watch(slot);
        _slots = slots;
        Assign();
    }

    string NodeOf(IActorRef slot) =>
        TrainerNames.Node(slot.Path.Address.HasLocalScope ? _cluster.SelfAddress : slot.Path.Address);

    void Assign()
    {
        var idle = _slots.Where(s => !_busy.ContainsKey(s)).ToList();
        while (idle.Count > 0 && _waiting.Count > 0)
        {
            var (genomeActor, node) = _waiting[0];
            _waiting.RemoveAt(0);
            var preferred = node is null ? -1 : idle.FindIndex(s => NodeOf(s) == node);
            var slot = idle[Math.Max(0, preferred)];
            idle.Remove(slot);
            _busy[slot] = genomeActor;
            genomeActor.Tell(new TrainerAssigned(slot));
        }
    }
}
