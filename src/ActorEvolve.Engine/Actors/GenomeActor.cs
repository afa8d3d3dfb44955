using Akka.Actor;
using ActorEvolve.Core.Fitness;
using ActorEvolve.Core.Genes;
using ActorEvolve.Engine.Protocol;
using ActorEvolve.Engine.Configuration;

namespace ActorEvolve.Engine.Actors;

/// <summary>
/// Gets one genome a fitness. For each attempt it asks the run's <see cref="TrainerSlotsActor"/> for an idle
/// trainer slot, sends the request there with its own timeout (Akka has no default ask timeout), and gives the
/// slot back when the attempt ends (or simply stops: the slots actor watches it). An attempt that is given up
/// (timed out, lost to a faster one, or this actor stops with its run) is cancelled on the trainer, so the slot is
/// free at once. A rung trial (<see cref="RungBudget"/>) first asks for a slot on the node that holds the genome's
/// checkpoint; later attempts go anywhere (another node trains it from scratch to the same result).
/// <para>Nodes that fail: the slots actor, which follows cluster membership, says when an attempt's node becomes
/// unreachable (<see cref="TrainerUnreachable"/>; no remote death watch per attempt). The attempt stays open, it
/// may still answer (a node that is only slow for a moment keeps its long training), and a <b>backup</b> attempt
/// starts elsewhere on a slot that goes to it ahead of ordinary requests. Every attempt trains the same genome with
/// the same seed and budget, so the first answer of any attempt is the genome's fitness; the others are cancelled.
/// A slot assigned for a backup after the node became reachable again goes straight back. When the node is downed
/// or the slot stops (<see cref="TrainerGone"/>), the attempt is dropped.</para>
/// <para>Failures: an attempt fails when its trainer says so, when it times out (<see cref="Timeout"/>, from its
/// own start), or when its slot is gone. The genome scores as failed once <see cref="EvaluationPolicy.MaxAttempts"/>
/// attempts have failed and none is still open; a backup is an attempt like any other (its own number and timeout)
/// but counts only if it fails, so a genome whose attempts never failed is never failed for having had backups.
/// Until then a failed attempt that leaves no open attempt on a reachable node is retried.</para>
/// </summary>
public sealed class GenomeActor : ReceiveActor, IWithTimers
{
    sealed record AttemptTimedOut(int Attempt);

    /// <summary>An attempt in flight: its slot, and whether that slot's node is unreachable.</summary>
    sealed record Attempt(IActorRef Trainer, bool Unreachable = false);

    readonly Genome _genome;
    readonly IActorRef _slots;
    readonly EvaluationPolicy _policy;
    readonly long _runSeed;
    readonly string _runId;
    readonly FinalEvaluation? _final;
    readonly RungBudget? _rung;
    readonly string? _preferredNode;
    readonly Dictionary<int, Attempt> _open = []; // by attempt number
    int _attempts; // started, backups included: numbers each attempt
    int _failures;
    bool _waitingForSlot;
    string _lastFailure = "";

    public ITimerScheduler Timers { get; set; } = null!;

    public GenomeActor(Genome genome, IActorRef slots, EvaluationPolicy policy, long runSeed, string runId,
        FinalEvaluation? final, RungBudget? rung, string? preferredNode)
    {
        _rung = rung;
        _preferredNode = preferredNode;
        _runId = runId;
        _genome = genome;
        _slots = slots;
        _policy = policy;
        _runSeed = runSeed;
        _final = final;

        Receive<TrainerAssigned>(m => SlotAssigned(m.Trainer));
        // Any attempt's answer is the genome's fitness, also one that timed out a moment ago (the work is done).
        Receive<GenomeEvaluated>(m => m.Attempt <= _attempts, m =>
        {
            PublishAttempt(Sender, m.Attempt, answered: true);
            _open.Remove(m.Attempt); // its slot is freed when we stop; the other attempts are cancelled then
            Finish(m.Result);
        });
        Receive<EvaluationFailed>(m => _open.ContainsKey(m.Attempt), m => AttemptFailed(m.Attempt, m.Reason));
        Receive<AttemptTimedOut>(m => AttemptFailed(m.Attempt, $"no answer within {Timeout}"));
        Receive<TrainingProgress>(p => Context.System.EventStream.Publish(p));
        Receive<TrainerUnreachable>(m => MarkNode(m.Trainer, unreachable: true));
        Receive<TrainerReachable>(m => MarkNode(m.Trainer, unreachable: false));
        Receive<TrainerGone>(m =>
        {
            foreach (var attempt in AttemptsOn(m.Trainer)) AttemptFailed(attempt, $"trainer {m.Trainer.Path} is gone");
        });
        // Answers to attempts that were given up: already handled.
        Receive<GenomeEvaluated>(_ => { });
        Receive<EvaluationFailed>(_ => { });
    }

    public static Props Props(Genome genome, IActorRef slots, EvaluationPolicy policy, long runSeed, string runId,
        FinalEvaluation? final = null, RungBudget? rung = null, string? preferredNode = null) =>
        Akka.Actor.Props.Create(() => new GenomeActor(genome, slots, policy, runSeed, runId, final, rung,
            preferredNode));

    TimeSpan Timeout => _final is null ? _policy.Timeout : _policy.FinalTimeout;

    /// <summary>Some open attempt's node is reachable: it is expected to answer.</summary>
    bool Answering => _open.Values.Any(a => !a.Unreachable);

    protected override void PreStart() => AskForSlot(_preferredNode);

    /// <summary>Stopped with its run, after its answer, or restarted after a crash: the open attempts are cancelled
    /// and their slots go back (before a new instance asks again).</summary>
    protected override void PostStop()
    {
        foreach (var attempt in _open.Keys.ToArray()) Close(attempt);
    }

    void AskForSlot(string? preferredNode = null)
    {
        _waitingForSlot = true;
        _slots.Tell(new TrainerWanted(preferredNode, Backup: _open.Count > 0));
    }

    void SlotAssigned(IActorRef trainer)
    {
        _waitingForSlot = false;
        if (Answering) _slots.Tell(new TrainerReleased(trainer)); // a backup no longer needed: reachable again
        else StartAttempt(trainer);
    }

    void StartAttempt(IActorRef trainer)
    {
        var attempt = ++_attempts;
        _open[attempt] = new Attempt(trainer);
        trainer.Tell(new EvaluateGenome(_runSeed, _genome, attempt, _final, _runId, _rung));
        PublishAttempt(trainer, attempt, answered: false);
        Timers.StartSingleTimer(attempt, new AttemptTimedOut(attempt), Timeout);
    }

    void PublishAttempt(IActorRef trainer, int attempt, bool answered) => Context.System.EventStream.Publish(
        new SlotAttempt(trainer, _genome.Key, attempt, answered, DateTimeOffset.UtcNow));

    int[] AttemptsOn(IActorRef trainer) => _open.Where(a => a.Value.Trainer.Equals(trainer)).Select(a => a.Key)
        .ToArray();

    void MarkNode(IActorRef trainer, bool unreachable)
    {
        var attempts = AttemptsOn(trainer);
        foreach (var attempt in attempts) _open[attempt] = _open[attempt] with { Unreachable = unreachable };
        if (attempts.Length > 0) GoOn();
    }

    void AttemptFailed(int attempt, string reason)
    {
        if (!_open.ContainsKey(attempt)) return; // already answered, failed or given up
        _lastFailure = reason;
        _failures++;
        Close(attempt);
        GoOn();
    }

    /// <summary>Unless an attempt on a reachable node may still answer, or a slot is on its way: ask for a slot
    /// (a backup when attempts are open on unreachable nodes) while failures are below the limit; with none left
    /// and nothing open, the genome has failed.</summary>
    void GoOn()
    {
        if (Answering || _waitingForSlot) return;
        if (_failures < _policy.MaxAttempts) AskForSlot();
        else if (_open.Count == 0)
            Finish(FitnessResult.Failure($"failed {_failures} attempts, last: {_lastFailure}", "none"));
    }

    /// <summary>Gives an attempt up: cancelled on its trainer (nothing to cancel if it answered or is gone) and its
    /// slot given back (the slots actor ignores a slot that is gone).</summary>
    void Close(int attempt)
    {
        Timers.Cancel(attempt);
        if (!_open.Remove(attempt, out var open)) return;
        open.Trainer.Tell(new CancelEvaluation(_genome.Key, attempt));
        _slots.Tell(new TrainerReleased(open.Trainer));
    }

    void Finish(FitnessResult result)
    {
        var finished = result with { FinishedAt = DateTimeOffset.UtcNow };
        Context.Parent.Tell(new GenomeScored(_genome, finished, _final is not null, _rung));
        Context.Stop(Self);
    }
}
