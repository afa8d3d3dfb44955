using Akka.Actor;

namespace ActorEvolve.Engine.Actors;

/// <summary>
/// The books of <see cref="TrainerSlotsActor"/>: every trainer slot by node (host:port) and by actor, who holds it,
/// the free slots of reachable nodes (longest idle first), and who waits for one. Indexed so that lending a slot,
/// giving it back or forgetting a stopped GenomeActor costs no scan of all slots or all requests. Requests are
/// served oldest first, backups (work whose node is unreachable) before all others; a request that prefers a node
/// gets a free slot there if there is one.
/// </summary>
sealed class SlotLedger
{
    sealed class Slot(IActorRef trainer, string node)
    {
        public IActorRef Trainer { get; } = trainer;
        public string Node { get; } = node;
        public IActorRef? Holder { get; set; }
        public LinkedListNode<Slot>? Idle { get; set; } // its place in the idle list: free, on a reachable node
    }

    sealed class TrainerNode(Slot[] slots)
    {
        public Slot[] Slots { get; set; } = slots;
        public bool Reachable { get; set; } = true;
    }

    sealed record Request(IActorRef Asker, string? Node);

    readonly Dictionary<string, TrainerNode> _nodes = [];
    readonly Dictionary<IActorRef, Slot> _slots = [];
    readonly LinkedList<Slot> _idle = new();
    readonly Dictionary<IActorRef, List<Slot>> _held = []; // GenomeActor → its slots (two while a backup runs)
    readonly LinkedList<Request> _backups = new();
    readonly LinkedList<Request> _waiting = new();
    readonly Dictionary<IActorRef, LinkedListNode<Request>> _requests = []; // each asker's request, in either list

    /// <summary>Nodes whose slots are known, with their slot counts.</summary>
    public int? SlotCount(string node) => _nodes.TryGetValue(node, out var known) ? known.Slots.Length : null;

    public bool IsSlot(IActorRef actor) => _slots.ContainsKey(actor);

    /// <summary>A reachable node's slots, as its host offered them: those already known keep their holders, free ones
    /// are lent again. Returns the slots not known before.</summary>
    public IReadOnlyList<IActorRef> Offered(string node, IReadOnlyList<IActorRef> trainers)
    {
        var added = trainers.Where(t => !_slots.ContainsKey(t)).ToArray();
        foreach (var trainer in added) _slots[trainer] = new Slot(trainer, node);
        _nodes[node] = new TrainerNode(trainers.Select(t => _slots[t]).ToArray());
        foreach (var slot in _nodes[node].Slots) Free(slot);
        return added;
    }

    /// <summary>The node is unreachable or leaving: its slots are not lent. Returns the busy ones with their holders.
    /// </summary>
    public IReadOnlyList<(IActorRef Holder, IActorRef Trainer)> Unreachable(string node)
    {
        if (!_nodes.TryGetValue(node, out var known) || !known.Reachable) return [];
        known.Reachable = false;
        foreach (var slot in known.Slots.Where(s => s.Idle is not null)) Unidle(slot);
        return Busy(known.Slots);
    }

    /// <summary>Reachable again: its free slots are lent again, the busy ones once given back. Returns the busy ones
    /// with their holders.</summary>
    public IReadOnlyList<(IActorRef Holder, IActorRef Trainer)> Reachable(string node)
    {
        if (!_nodes.TryGetValue(node, out var known) || known.Reachable) return [];
        known.Reachable = true;
        foreach (var slot in known.Slots) Free(slot);
        return Busy(known.Slots);
    }

    /// <summary>The node is downed or removed: its slots are gone. Returns the busy ones with their holders.</summary>
    public IReadOnlyList<(IActorRef Holder, IActorRef Trainer)> Remove(string node)
    {
        if (!_nodes.Remove(node, out var known)) return [];
        var busy = Busy(known.Slots);
        foreach (var slot in known.Slots) Drop(slot);
        return busy;
    }

    /// <summary>The slot's actor stopped: it is gone. Returns its holder, if it had one.</summary>
    public IActorRef? RemoveSlot(IActorRef trainer)
    {
        if (!_slots.TryGetValue(trainer, out var slot)) return null;
        var holder = slot.Holder;
        if (_nodes.TryGetValue(slot.Node, out var node)) node.Slots = node.Slots.Where(s => s != slot).ToArray();
        Drop(slot);
        return holder;
    }

    public void Want(IActorRef asker, string? preferredNode, bool backup)
    {
        Withdraw(asker);
        _requests[asker] = (backup ? _backups : _waiting).AddLast(new Request(asker, preferredNode));
    }

    /// <summary>The holder gives the slot back (from anyone else, or for a slot that is gone: nothing to do).</summary>
    public void Release(IActorRef trainer, IActorRef holder)
    {
        if (_slots.TryGetValue(trainer, out var slot) && holder.Equals(slot.Holder)) Unlend(slot);
    }

    /// <summary>A GenomeActor stopped: its request is withdrawn and its slots are free.</summary>
    public void Forget(IActorRef asker)
    {
        Withdraw(asker);
        if (_held.TryGetValue(asker, out var held))
            foreach (var slot in held.ToArray()) Unlend(slot);
    }

    /// <summary>Lends idle slots to waiting requests; returns who got which.</summary>
    public IReadOnlyList<(IActorRef Asker, IActorRef Trainer)> Assign()
    {
        var lent = new List<(IActorRef, IActorRef)>();
        while (_idle.First is { } first && (_backups.First ?? _waiting.First) is { } next)
        {
            var request = next.Value;
            Withdraw(request.Asker);
            var preferred = request.Node is { } node && _nodes.TryGetValue(node, out var there)
                ? there.Slots.FirstOrDefault(s => s.Idle is not null) : null;
            var slot = preferred ?? first.Value;
            Unidle(slot);
            slot.Holder = request.Asker;
            if (!_held.TryGetValue(request.Asker, out var held)) _held[request.Asker] = held = [];
            held.Add(slot);
            lent.Add((request.Asker, slot.Trainer));
        }
        return lent;
    }

    static IReadOnlyList<(IActorRef Holder, IActorRef Trainer)> Busy(IEnumerable<Slot> slots) =>
        slots.Where(s => s.Holder is not null).Select(s => (s.Holder!, s.Trainer)).ToArray();

    void Withdraw(IActorRef asker)
    {
        if (_requests.Remove(asker, out var request)) request.List!.Remove(request);
    }

    /// <summary>Idle if free and its node is reachable (and not already idle); a slot its node no longer offers
    /// (its host restarted) waits for its actor's end.</summary>
    void Free(Slot slot)
    {
        if (slot.Holder is null && slot.Idle is null && _nodes.TryGetValue(slot.Node, out var node) &&
            node.Reachable && node.Slots.Contains(slot))
            slot.Idle = _idle.AddLast(slot);
    }

    void Unidle(Slot slot)
    {
        if (slot.Idle is not { } idle) return;
        _idle.Remove(idle);
        slot.Idle = null;
    }

    void Unlend(Slot slot)
    {
        Unhold(slot);
        Free(slot);
    }

    void Unhold(Slot slot)
    {
        if (slot.Holder is { } holder && _held.TryGetValue(holder, out var held))
        {
            held.Remove(slot);
            if (held.Count == 0) _held.Remove(holder);
        }
        slot.Holder = null;
    }

    void Drop(Slot slot)
    {
        _slots.Remove(slot.Trainer);
        Unidle(slot);
        Unhold(slot);
    }
}
