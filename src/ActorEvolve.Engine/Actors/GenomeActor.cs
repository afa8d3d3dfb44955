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
/// (timed out, or this actor stops with its run) is cancelled on the trainer, so the slot is free at once.
/// A crashed, failed or silent attempt is retried up to <see cref="EvaluationPolicy.MaxAttempts"/> times; after
/// that the genome scores as failed and the run goes on. Replies carry the attempt number: a late answer to the
/// attempt that just timed out is still taken (the work is done), answers to older attempts are ignored.
/// A rung trial (<see cref="RungBudget"/>) first asks for a slot on the node that holds the genome's checkpoint;
/// retries go anywhere (another node trains it from scratch to the same result).
/// </summary>
public sealed class GenomeActor : ReceiveActor, IWithTimers
{
    sealed record AttemptTimedOut(int Attempt);

    readonly Genome _genome;
    readonly IActorRef _slots;
    readonly EvaluationPolicy _policy;
    readonly long _runSeed;
    readonly string _runId;
    readonly FinalEvaluation? _final;
    readonly RungBudget? _rung;
    readonly string? _preferredNode;
    IActorRef? _trainer;
    int _attempt;
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

        Receive<TrainerAssigned>(m => StartAttempt(m.Trainer));
        Receive<GenomeEvaluated>(m => m.Attempt == _attempt, m =>
        {
            PublishAttempt(answered: true);
            Finish(m.Result);
        });
        Receive<EvaluationFailed>(m => m.Attempt == _attempt, m => AttemptFailed(m.Reason));
        Receive<AttemptTimedOut>(m => m.Attempt == _attempt, _ => AttemptFailed($"no answer within {Timeout}"));
        Receive<TrainingProgress>(p => Context.System.EventStream.Publish(p));
        // The trainer's node died or left (death watch fires once the cluster downs it): retry elsewhere now
        // instead of waiting out the timeout.
        Receive<Terminated>(t => t.ActorRef.Equals(_trainer), t => AttemptFailed($"trainer {t.ActorRef.Path} is gone"));
        Receive<Terminated>(_ => { });
        // Answers to earlier attempts arrive after we moved on: already handled.
        Receive<GenomeEvaluated>(_ => { });
        Receive<EvaluationFailed>(_ => { });
        Receive<AttemptTimedOut>(_ => { });
    }

    public static Props Props(Genome genome, IActorRef slots, EvaluationPolicy policy, long runSeed, string runId,
        FinalEvaluation? final = null, RungBudget? rung = null, string? preferredNode = null) =>
        Akka.Actor.Props.Create(() => new GenomeActor(genome, slots, policy, runSeed, runId, final, rung,
            preferredNode));

    TimeSpan Timeout => _final is null ? _policy.Timeout : _policy.FinalTimeout;

    protected override void PreStart() => _slots.Tell(new TrainerWanted(_preferredNode));

    /// <summary>Stopped with its run, or restarted after a crash: the training is cancelled and the slot goes back
    /// (before a new instance asks again).</summary>
    protected override void PostStop() => ReleaseTrainer();

    void StartAttempt(IActorRef trainer)
    {
        _attempt++;
        _trainer = trainer;
        Context.Watch(trainer);
        trainer.Tell(new EvaluateGenome(_runSeed, _genome, _attempt, _final, _runId, _rung));
        PublishAttempt(answered: false);
        Timers.StartSingleTimer("attempt-timeout", new AttemptTimedOut(_attempt), Timeout);
    }

    void PublishAttempt(bool answered) => Context.System.EventStream.Publish(
        new SlotAttempt(_trainer!, _genome.Key, _attempt, answered, DateTimeOffset.UtcNow));

    void AttemptFailed(string reason)
    {
        _lastFailure = reason;
        ReleaseTrainer();
        if (_attempt < _policy.MaxAttempts) _slots.Tell(new TrainerWanted());
        else Finish(FitnessResult.Failure($"failed {_attempt} attempts, last: {_lastFailure}", "none"));
    }

    void Finish(FitnessResult result)
    {
        _trainer = null; // the slots actor frees our slot when we stop
        var finished = result with { FinishedAt = DateTimeOffset.UtcNow };
        Context.Parent.Tell(new GenomeScored(_genome, finished, _final is not null, _rung));
        Context.Stop(Self);
    }

    void ReleaseTrainer()
    {
        Timers.CancelAll();
        if (_trainer is null) return;
        Context.Unwatch(_trainer);
        _trainer.Tell(new CancelEvaluation(_genome.Key, _attempt)); // nothing to cancel if it answered
        _slots.Tell(new TrainerReleased(_trainer));
        _trainer = null;
    }
}
