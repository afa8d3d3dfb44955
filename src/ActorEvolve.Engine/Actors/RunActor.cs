using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using ActorEvolve.Core.Evolution;
using ActorEvolve.Core.Fitness;
using ActorEvolve.Engine.Configuration;
using ActorEvolve.Engine.Persistence;
using ActorEvolve.Engine.Protocol;

namespace ActorEvolve.Engine.Actors;

/// <summary>
/// The persistent shell of one run, whatever moves its population: it recovers the run's journal and refuses a
/// resume that does not match it (seed, space, GA settings, objective), starts the trainer slots, journals the
/// run's start, retrains the winner on the test set at the end, journals the finish and reports every step to the
/// run's listeners. <see cref="PopulationActor"/> (generations) and <see cref="SteadyStateActor"/> (one child per
/// free slot) fill in the search.
/// </summary>
public abstract class RunActor : ReceivePersistentActor
{
    readonly bool _resume;
    readonly IReadOnlyList<IActorRef> _listeners;
    bool _restarted; // after a crash the guardian restarts us: we recover our own journal like a resume
    RunCompleted? _completed; // journaled; published once superseded snapshots are deleted
    long _finalSnapshotSequenceNr;
    /// <summary>Whose final test evaluation runs (the winner first) and the scores that came back, by genome key.
    /// </summary>
    IReadOnlyList<ScoredGenome> _tested = [];
    readonly Dictionary<string, FitnessResult?> _tests = new(StringComparer.Ordinal);

    protected RunSettings Settings { get; }
    protected JournaledRun Journaled { get; } = new();
    protected IActorRef Slots { get; private set; } = ActorRefs.Nobody;
    /// <summary>The trainer slots of every node the run can borrow now.</summary>
    protected int SlotCount { get; private set; }
    /// <summary>Trainings to keep asked for: every slot busy, plus a few waiting (a quarter of the slots, at least
    /// one) so a slot that frees up starts its next training without waiting for the journal or for breeding.
    /// </summary>
    protected int TrainingsWanted => SlotCount + Math.Max(1, SlotCount / 4);

    public override string PersistenceId { get; }

    /// <param name="resume">Continue a journaled run (fails if there is none); otherwise start a new one.</param>
    protected RunActor(RunSettings settings, bool resume, IReadOnlyList<IActorRef> listeners)
    {
        Settings = settings;
        _resume = resume;
        _listeners = listeners;
        PersistenceId = RunJournal.PersistenceId(settings.RunId);

        Recover<SnapshotOffer>(offer => Journaled.Apply(offer));
        Recover<RunJournal.IRecord>(record => Journaled.Apply(record));
        Recover<RecoveryCompleted>(_ => OnRecovered());

        Command<TrainerNodesChanged>(m =>
        {
            SlotCount = m.Nodes.Sum(n => n.Slots);
            OnSlotsChanged();
        });
        Command<GenomeScored>(m => m.Final, m =>
        {
            _tests[m.Genome.Key] = m.Result;
            if (_tests.Count == _tested.Count) Finish();
        });
        // Only the latest snapshot is kept: each one holds everything its predecessors did.
        Command<SaveSnapshotSuccess>(s => DeleteSnapshots(new SnapshotSelectionCriteria(s.Metadata.SequenceNr - 1)));
        Command<SaveSnapshotFailure>(f =>
        {
            Log.Warning(f.Cause, "Snapshot failed; recovery will replay more events");
            if (f.Metadata.SequenceNr == _finalSnapshotSequenceNr) Complete();
        });
        Command<DeleteSnapshotsSuccess>(d => AfterSnapshotsDeleted(d.Criteria));
        Command<DeleteSnapshotsFailure>(d =>
        {
            Log.Warning(d.Cause, "Old snapshots could not be deleted; the next snapshot tries again");
            AfterSnapshotsDeleted(d.Criteria);
        });
    }

    /// <summary>The actor that runs <paramref name="settings"/>' GA mode.</summary>
    public static Props Props(RunSettings settings, bool resume, IReadOnlyList<IActorRef> listeners) =>
        settings.Ga.Mode == GaMode.SteadyState
            ? Akka.Actor.Props.Create(() => new SteadyStateActor(settings, resume, listeners))
            : Akka.Actor.Props.Create(() => new PopulationActor(settings, resume, listeners));

    protected override void PreStart()
    {
        Context.System.EventStream.Subscribe(Self, typeof(TrainerNodesChanged));
        base.PreStart();
    }

    protected override void PostStop()
    {
        Context.System.EventStream.Unsubscribe(Self);
        base.PostStop();
    }

    /// <summary>Trainer nodes came or went (<see cref="SlotCount"/> changed).</summary>
    protected virtual void OnSlotsChanged()
    {
    }

    /// <summary>A GenomeActor that crashes (a bug, not a failed training: those it handles itself) is restarted
    /// and simply asks again; it holds nothing that a restart would lose.</summary>
    protected override SupervisorStrategy SupervisorStrategy() =>
        new OneForOneStrategy(maxNrOfRetries: 3, withinTimeRange: TimeSpan.FromMinutes(1), _ => Directive.Restart);

    protected override void PostRestart(Exception reason)
    {
        _restarted = true;
        base.PostRestart(reason); // starts recovery
    }

    /// <summary>A new run, its start journaled: begin the search.</summary>
    protected abstract void Begin();

    /// <summary>A recovered run (<see cref="Journaled"/> holds its journal): rebuild the search and go on.</summary>
    protected abstract void Continue();

    /// <summary>Every evaluated genome of the run, best first.</summary>
    protected abstract IReadOnlyList<ScoredGenome> Ranking { get; }

    protected abstract IReadOnlyList<GenerationSummary> History { get; }

    /// <summary>The snapshot that ends a finished run (older ones are then deleted), or null to end without one.
    /// </summary>
    protected abstract RunJournal.RunSnapshot? FinalSnapshot(RunJournal.RunFinished finished);

    void OnRecovered()
    {
        if (RejectionOnRecovery() is { } reason)
        {
            Abort(reason, badInput: true);
            return;
        }
        Slots = Context.ActorOf(TrainerSlotsActor.Props(), "slots");
        if (!Journaled.IsRecorded)
        {
            var started = new RunJournal.RunStarted(Settings.RunId, Settings.Seed, Settings.Ga,
                RunJournal.Describe(Settings.Space), Settings.Config, Settings.Goal);
            Persist(started, e =>
            {
                Journaled.Apply(e);
                Begin();
            });
            return;
        }
        // Snapshots older than the one recovered from (left by a run killed before it could delete them) go too.
        if (Journaled.SnapshotSequenceNr > 1)
            DeleteSnapshots(new SnapshotSelectionCriteria(Journaled.SnapshotSequenceNr - 1));
        Continue();
    }

    string? RejectionOnRecovery()
    {
        var id = Settings.RunId;
        if (Journaled.Started is not { } started)
            return _resume ? $"there is no run '{id}' in the journal" : null;
        if (!_resume && !_restarted)
            return $"run '{id}' already exists in the journal: continue it with 'actorevolve resume {id}'";
        if (Journaled.IsFinished)
            return $"run '{id}' has already finished";
        if (!started.Space.SequenceEqual(RunJournal.Describe(Settings.Space)))
            return $"run '{id}' was started with another search space ({string.Join("; ", started.Space)})";
        if (started.Seed != Settings.Seed)
            return $"run '{id}' was started with seed {started.Seed}, not {Settings.Seed}: it resumes only with that";
        if (started.Ga != Settings.Ga)
            return $"run '{id}' was started with other GA settings ({started.Ga.ChangesTo(Settings.Ga)}): " +
                   "it resumes only with its own";
        if (started.Goal != Settings.Goal)
            return $"run '{id}' was started to {started.Goal.Text}; " +
                   "it resumes only with that objective";
        return null;
    }

    protected override void OnRecoveryFailure(Exception reason, object? message = null)
    {
        var cause = reason is IncompatibleJournalException ? reason.Message
            : $"cannot read the journal ({reason.Message})";
        Publish(new RunAborted(cause, BadInput: true));
        base.OnRecoveryFailure(reason, message);
    }

    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
    {
        Publish(new RunAborted(WriteFailed("refused", cause), BadInput: false));
        base.OnPersistFailure(cause, @event, sequenceNr);
    }

    static string WriteFailed(string how, Exception cause) => $"the journal {how} a write " +
        $"({HoconLoader.FirstLine(cause.Message)}); everything before it is saved";

    protected override void OnPersistRejected(Exception cause, object @event, long sequenceNr)
    {
        Publish(new RunAborted(WriteFailed("rejected", cause), BadInput: false));
        Context.Stop(Self);
    }

    /// <summary>Retrains the run's best genome on the test set (unless nothing trained), then finishes. A
    /// two-objective run also tests up to <see cref="FrontMember.Tested"/> members spread along its Pareto front,
    /// side by side on free slots; only the winner's model is saved.</summary>
    protected void StartFinalEvaluation()
    {
        var winner = Ranking[0];
        Publish(new FinalEvaluationStarted(winner));
        if (winner.Fitness.Failed)
        {
            Finish(); // nothing trained successfully: there is no model to test
            return;
        }
        _tested = Settings.Goal.IsPareto
            ? [winner, .. Pareto.Spread(Pareto.Front(Ranking, Settings.Goal), FrontMember.Tested)
                .Where(m => m.Genome.Key != winner.Genome.Key)]
            : [winner];
        for (var i = 0; i < _tested.Count; i++)
        {
            var saveModel = i == 0 && Settings.ModelPath is not null; // the winner's
            var final = new FinalEvaluation(_tested[i].Fitness.Epochs, saveModel);
            var props = GenomeActor.Props(_tested[i].Genome, Slots, Settings.Policy, Settings.Seed, Settings.RunId,
                final);
            Context.ActorOf(props, i == 0 ? "final" : $"final-{i}");
        }
    }

    void Finish()
    {
        var winner = Ranking[0];
        var test = _tests.GetValueOrDefault(winner.Genome.Key);
        var tested = test is { Failed: false } ? test : null;
        var front = Settings.Goal.IsPareto
            ? _tested.Select(m => RunJournal.FrontTest.From(m.Genome.Key, _tests[m.Genome.Key])).ToArray()
            : null;
        var finished = new RunJournal.RunFinished(winner.Genome.Key, tested?.Accuracy, tested?.ValidationLoss, front);
        Persist(finished, e =>
        {
            _completed = new RunCompleted(winner, test, History.ToArray(), Ranking.Take(10).ToArray(),
                FrontMember.Of(Ranking, Settings.Goal, _tests));
            _finalSnapshotSequenceNr = LastSequenceNr;
            if (FinalSnapshot(e) is { } snapshot) SaveSnapshot(snapshot); // completes once older ones are gone
            else Complete();
        });
    }

    void AfterSnapshotsDeleted(SnapshotSelectionCriteria deleted)
    {
        if (deleted.MaxSequenceNr == _finalSnapshotSequenceNr - 1) Complete();
    }

    void Complete()
    {
        if (_completed is null) return;
        Publish(_completed);
        Context.Stop(Self);
    }

    /// <summary>Tells every trainer node that the run's checkpoints of generations before <paramref name="before"/>
    /// can go: nothing promotes from them any more.</summary>
    protected void DropCheckpoints(int before)
    {
        if (Settings.Ga.Rungs is not null)
            Slots.Tell(new ToEveryNode(new DropCheckpoints(Settings.RunId, before)));
    }

    protected void Abort(string reason, bool badInput)
    {
        Publish(new RunAborted(reason, badInput));
        Context.Stop(Self);
    }

    protected void Publish(RunEvent e)
    {
        foreach (var listener in _listeners) listener.Tell(e);
    }
}
