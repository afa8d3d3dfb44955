using Akka.Actor;

namespace ActorEvolve.Engine.Protocol;

/// <summary>How trainers are named in results, progress and slot lists: a node is host:port, a slot
/// host:port/name (results name their trainer so; a rung promotion asks for its checkpoint's node by it).</summary>
public static class TrainerNames
{
    public static string Node(Address node) => node.Host is null ? "local" : $"{node.Host}:{node.Port}";

    public static string Slot(string node, string slot) => $"{node}/{slot}";

    /// <summary>The node of a slot named host:port/name; null when <paramref name="trainer"/> names none.</summary>
    public static string? NodeOf(string? trainer) =>
        trainer?.LastIndexOf('/') is > 0 and var slash ? trainer[..slash] : null;
}

/// <summary>Published on the event stream when trainer nodes join or leave: each node (host:port) with its
/// slots.</summary>
public sealed record TrainerNodesChanged(IReadOnlyList<(string Node, int Slots)> Nodes);

/// <summary>GenomeActor → slots: give me an idle trainer slot, on node <paramref name="PreferredNode"/> (host:port,
/// where the genome's checkpoint is) if one is idle there. A <paramref name="Backup"/> (the genome's attempt is on an
/// unreachable node) goes ahead of every ordinary request: lost work first.</summary>
public sealed record TrainerWanted(string? PreferredNode = null, bool Backup = false);

/// <summary>Run → slots: tell every trainer node.</summary>
public sealed record ToEveryNode(ITrainerMessage Message);

/// <summary>Slots → GenomeActor: this trainer slot is yours for one attempt.</summary>
public sealed record TrainerAssigned(IActorRef Trainer);

/// <summary>GenomeActor → slots: the attempt on this trainer is over (answered or cancelled): lend it again.
/// </summary>
public sealed record TrainerReleased(IActorRef Trainer);

/// <summary>Slots → the GenomeActor holding this slot: its node is unreachable (or leaving), so the attempt may never
/// answer; the slot is not lent to anyone else meanwhile.</summary>
public sealed record TrainerUnreachable(IActorRef Trainer);

/// <summary>Slots → the GenomeActor holding this slot: its node is reachable again, the attempt may still answer.
/// </summary>
public sealed record TrainerReachable(IActorRef Trainer);

/// <summary>Slots → the GenomeActor holding this slot: the slot is gone (its node was downed or removed, or the
/// slot's actor stopped); the attempt will never answer.</summary>
public sealed record TrainerGone(IActorRef Trainer);

/// <summary>Published on the event stream by a GenomeActor when its request leaves for a trainer slot
/// (<paramref name="Answered"/> false) and when the slot's answer reaches it (true): each slot's hand-overs, as
/// <c>bench cluster</c>'s per-slot timeline shows them.</summary>
public sealed record SlotAttempt(IActorRef Trainer, string GenomeKey, int Attempt, bool Answered, DateTimeOffset At);
