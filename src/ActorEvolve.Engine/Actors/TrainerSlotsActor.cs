using Akka.Actor;
using Akka.Routing;

namespace ActorEvolve.Engine.Actors;

/// <summary>Published on the event stream when trainer nodes join or leave: each node (host:port) with its slots.</summary>
public sealed record TrainerNodesChanged(IReadOnlyList<(string Node, int Slots)> Nodes);

/// <summary>GenomeActor → slots: give me an idle trainer slot.</summary>
public sealed record TrainerWanted;

/// <summary>Slots → GenomeActor: this trainer slot is yours for one attempt.</summary>
public sealed record TrainerAssigned(IActorRef Trainer);

/// <summary>GenomeActor → slots: the attempt on this trainer is over (answered or cancelled): lend it again.</summary>
public sealed record TrainerReleased(IActorRef Trainer);

/// <summary>
/// Hands out trainer slots. The cluster-aware router tells us the trainer host of every trainer node (GetRoutees,
/// polled every second as nodes come and go); each host tells us its slots (GetSlots); each GenomeActor borrows an
/// idle slot for one attempt, oldest request first. So a request never waits behind another slot's long training
/// while a slot sits idle, whatever the mix of fast and slow genomes.
/// </summary>
public sealed class TrainerSlotsActor : ReceiveActor, IWithTimers
{
    sealed record RefreshSlots;

    readonly IActorRef _trainers;
    readonly List<IActorRef> _waiting = [];                // GenomeActors that want a slot, oldest first
    readonly Dictionary<IActorRef, IActorRef> _busy = [];  // slot → the GenomeActor using it
    readonly Dictionary<string, IReadOnlyList<IActorRef>> _slotsByNode = []; // nodes whose host answered GetSlots
    readonly Address _selfAddress = ((ExtendedActorSystem)Context.System).Provider.DefaultAddress;
    IReadOnlyList<string> _nodes = [];
    IReadOnlyList<IActorRef> _slots = [];

    public ITimerScheduler Timers { get; set; } = null!;

    public TrainerSlotsActor(IActorRef trainers)
    {
        _trainers = trainers;
        Receive<RefreshSlots>(_ => _trainers.Tell(GetRoutees.Instance));
        Receive<Routees>(r =>
        {
            var hosts = r.Members.Select(m => (Node: NodeOf(m), Routee: m)).Where(h => h.Node is not null).ToArray();
            _nodes = hosts.Select(h => h.Node!).ToArray();
            foreach (var (_, routee) in hosts.Where(h => !_slotsByNode.ContainsKey(h.Node!))) routee.Send(GetSlots.Instance, Self);
            foreach (var gone in _slotsByNode.Keys.Except(_nodes).ToArray()) _slotsByNode.Remove(gone); // its node left
            UpdateSlots();
        });
        Receive<SlotsOffered>(m =>
        {
            var node = NodeOf(Sender.Path.Address);
            if (!_nodes.Contains(node)) return; // a node that left meanwhile
            _slotsByNode[node] = m.Slots;
            UpdateSlots();
        });
        Receive<TrainerWanted>(_ =>
        {
            Context.Watch(Sender); // a GenomeActor that stops frees whatever it held or asked for
            _waiting.Add(Sender);
            Assign();
        });
        Receive<TrainerReleased>(m =>
        {
            _busy.Remove(m.Trainer);
            Assign();
        });
        // A slot that stopped (its node is shutting down) is never lent again.
        Receive<Terminated>(t => _slots.Contains(t.ActorRef), t =>
        {
            foreach (var node in _slotsByNode.Keys.ToArray())
                _slotsByNode[node] = _slotsByNode[node].Where(s => !s.Equals(t.ActorRef)).ToArray();
            _busy.Remove(t.ActorRef);
            UpdateSlots();
        });
        Receive<Terminated>(t =>
        {
            _waiting.RemoveAll(w => w.Equals(t.ActorRef));
            foreach (var slot in _busy.Where(b => b.Value.Equals(t.ActorRef)).Select(b => b.Key).ToArray()) _busy.Remove(slot);
            Assign();
        });
    }

    public static Props Props(IActorRef trainers) => Akka.Actor.Props.Create(() => new TrainerSlotsActor(trainers));

    protected override void PreStart() =>
        Timers.StartPeriodicTimer("refresh", new RefreshSlots(), TimeSpan.Zero, TimeSpan.FromSeconds(1));

    /// <summary>One trainer host per node: nodes are told apart by host:port, as trainers name themselves
    /// (<see cref="TrainerNodeHost.StartSlots"/>); a local reference is this node.</summary>
    string NodeOf(Address address) => (address.HasLocalScope ? _selfAddress : address) is { Host: { } host } a ? $"{host}:{a.Port}" : "local";

    string? NodeOf(Routee routee) => routee switch
    {
        ActorSelectionRoutee s => NodeOf(s.Selection.Anchor.Path.Address),
        ActorRefRoutee r => NodeOf(r.Actor.Path.Address),
        _ => null,
    };

    void UpdateSlots()
    {
        var slots = _nodes.Where(_slotsByNode.ContainsKey).SelectMany(n => _slotsByNode[n]).ToArray();
        if (!slots.SequenceEqual(_slots))
            Context.System.EventStream.Publish(new TrainerNodesChanged(
                _nodes.Where(_slotsByNode.ContainsKey).Select(n => (n, _slotsByNode[n].Count)).ToArray()));
        foreach (var slot in slots.Except(_slots)) Context.Watch(slot);
        _slots = slots;
        Assign();
    }

    void Assign()
    {
        foreach (var slot in _slots)
        {
            if (_busy.ContainsKey(slot)) continue;
            if (_waiting.Count == 0) return;
            var genomeActor = _waiting[0];
            _waiting.RemoveAt(0);
            _busy[slot] = genomeActor;
            genomeActor.Tell(new TrainerAssigned(slot));
        }
    }
}
