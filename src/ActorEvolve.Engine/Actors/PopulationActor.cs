using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using ActorEvolve.Core.Evolution;
using ActorEvolve.Core.Fitness;
using ActorEvolve.Core.Genes;
using ActorEvolve.Engine.Persistence;
using ActorEvolve.Engine.Protocol;
using ActorEvolve.Engine.Configuration;

namespace ActorEvolve.Engine.Actors;

/// <summary>
/// Drives the generations of one run, event-sourced: every fitness and every generation boundary is journaled
/// before it takes effect, so a run killed at any point resumes where it stopped and never evaluates a journaled
/// genome again. The GA lives in <see cref="SearchState"/> (pure); on recovery the state is rebuilt by replaying
/// the journaled facts through the same transitions, so populations and breeding match an uninterrupted run.
/// Snapshots at generation boundaries keep recovery from reading the whole history.
/// </summary>
public sealed class PopulationActor : ReceivePersistentActor
{
    readonly RunSettings _settings;
    readonly bool _resume;
    readonly IReadOnlyList<IActorRef> _listeners;
    readonly ILoggingAdapter _log = Context.GetLogger();
    readonly JournaledRun _journaled = new();
    bool _restarted; // after a crash the guardian restarts us: we recover our own journal like a resume
    SearchState _state = null!;
    RunCompleted? _completed; // journaled; published once superseded snapshots are deleted
    long _finalSnapshotSequenceNr;
    readonly List<RecordedFitness> _unwritten = []; // scored, waiting for the journal write in flight to finish
    bool _writing;
    IActorRef _slots = ActorRefs.Nobody;

    public override string PersistenceId { get; }

    /// <param name="resume">Continue a journaled run (fails if there is none); otherwise start a new one.</param>
    public PopulationActor(RunSettings settings, bool resume, IReadOnlyList<IActorRef> listeners)
    {
        _settings = settings;
        _resume = resume;
        _listeners = listeners;
        PersistenceId = RunJournal.PersistenceId(settings.RunId);

        Recover<SnapshotOffer>(offer => _journaled.Apply(offer));
        Recover<RunJournal.IRecord>(record => _journaled.Apply(record));
        Recover<RecoveryCompleted>(_ => OnRecovered());

        Command<GenomeScored>(m => !m.Final, OnScored);
        Command<GenomeScored>(m => m.Final, OnFinalScored);
        Command<ScoresWritten>(_ => OnScoresWritten());
        // Only the latest snapshot is kept: each one holds everything its predecessors did.
        Command<SaveSnapshotSuccess>(s => DeleteSnapshots(new SnapshotSelectionCriteria(s.Metadata.SequenceNr - 1)));
        Command<SaveSnapshotFailure>(f =>
        {
            _log.Warning(f.Cause, "Snapshot failed; recovery will replay more events");
            if (f.Metadata.SequenceNr == _finalSnapshotSequenceNr) Complete();
        });
        Command<DeleteSnapshotsSuccess>(d => AfterSnapshotsDeleted(d.Criteria));
        Command<DeleteSnapshotsFailure>(d =>
        {
            _log.Warning(d.Cause, "Old snapshots could not be deleted; the next snapshot tries again");
            AfterSnapshotsDeleted(d.Criteria);
        });
    }

    public static Props Props(RunSettings settings, bool resume, IReadOnlyList<IActorRef> listeners) =>
        Akka.Actor.Props.Create(() => new PopulationActor(settings, resume, listeners));

    /// <summary>A GenomeActor that crashes (a bug, not a failed training: those it handles itself) is restarted
    /// and simply asks again; it holds nothing that a restart would lose.</summary>
    protected override SupervisorStrategy SupervisorStrategy() =>
        new OneForOneStrategy(maxNrOfRetries: 3, withinTimeRange: TimeSpan.FromMinutes(1), _ => Directive.Restart);

    protected override void PostRestart(Exception reason)
    {
        _restarted = true;
        base.PostRestart(reason); // starts recovery
    }

    void OnRecovered()
    {
        if (RejectionOnRecovery() is { } reason)
        {
            Abort(reason, badInput: true);
            return;
        }
        _slots = Context.ActorOf(TrainerSlotsActor.Props(), "slots");
        if (!_journaled.IsRecorded)
        {
            var started = new RunJournal.RunStarted(_settings.RunId, _settings.Seed, _settings.Ga,
                RunJournal.Describe(_settings.Space), _settings.Config, _settings.Goal);
            Persist(started, e =>
            {
                _journaled.Apply(e);
                _state = new SearchState(_settings.Space, _settings.Ga, _settings.Seed, _settings.Goal);
                StartGeneration();
            });
            return;
        }
        // Snapshots older than the one recovered from (left by a run killed before it could delete them) go too.
        if (_journaled.SnapshotSequenceNr > 1)
            DeleteSnapshots(new SnapshotSelectionCriteria(_journaled.SnapshotSequenceNr - 1));
        _state = _journaled.Replay(_settings);
        Publish(new RunResumed(_state.Generation, _state.Facts.ToArray(), _state.History.ToArray())); // copies: messages are immutable
        if (_state.IsFinished) StartFinalEvaluation(); // killed while retraining the winner
        else StartGeneration();
    }

    string? RejectionOnRecovery()
    {
        var id = _settings.RunId;
        if (_journaled.Started is not { } started)
            return _resume ? $"there is no run '{id}' in the journal" : null;
        if (!_resume && !_restarted)
            return $"run '{id}' already exists in the journal: continue it with 'actorevolve resume {id}'";
        if (_journaled.IsFinished)
            return $"run '{id}' has already finished";
        if (!started.Space.SequenceEqual(RunJournal.Describe(_settings.Space)))
            return $"run '{id}' was started with another search space ({string.Join("; ", started.Space)})";
        if (started.Seed != _settings.Seed)
            return $"run '{id}' was started with seed {started.Seed}, not {_settings.Seed}: it resumes only with that";
        if (started.Ga != _settings.Ga)
            return $"run '{id}' was started with other GA settings ({started.Ga.ChangesTo(_settings.Ga)}): " +
                   "it resumes only with its own";
        if (started.Goal != _settings.Goal)
            return $"run '{id}' was started to {started.Goal.Direction} {started.Goal.Metric}; " +
                   "it resumes only with that objective";
        return null;
    }

    protected override void OnRecoveryFailure(Exception reason, object? message = null)
    {
        var cause = reason is IncompatibleJournalException ? reason.Message : $"cannot read the journal ({reason.Message})";
        Publish(new RunAborted(cause, BadInput: true));
        base.OnRecoveryFailure(reason, message);
    }

    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
    {
        Publish(new RunAborted(WriteFailed("refused", cause), BadInput: false));
        base.OnPersistFailure(cause, @event, sequenceNr);
    }

    static string WriteFailed(string how, Exception cause) => $"the journal {how} a write " +
        $"({Configuration.HoconLoader.FirstLine(cause.Message)}); everything before it is saved";

    protected override void OnPersistRejected(Exception cause, object @event, long sequenceNr)
    {
        Publish(new RunAborted(WriteFailed("rejected", cause), BadInput: false));
        Context.Stop(Self);
    }

    void StartGeneration()
    {
        var pending = _state.PendingEvaluations;
        Persist(new RunJournal.GenerationStarted(_state.Generation, _state.Population.Select(g => g.Key).ToArray()), _ => { });
        Publish(new GenerationStarted(_state.Generation, _settings.Ga.Generations, _state.Population, pending.Count,
            _state.Population.Count - pending.Count, DateTimeOffset.UtcNow));
        if (pending.Count == 0)
        {
            CompleteGeneration(); // every genome of this generation was evaluated before
            return;
        }
        foreach (var genome in pending)
            Context.ActorOf(GenomeActor.Props(genome, _slots, _settings.Policy, _settings.Seed, _settings.RunId));
    }

    void OnScored(GenomeScored scored)
    {
        var key = scored.Genome.Key;
        if (_state.Evaluated.ContainsKey(key) || _unwritten.Any(f => f.Genome.Key == key)) return; // a restarted GenomeActor's repeat
        _unwritten.Add(new RecordedFitness(_state.Generation, scored.Genome, _state.Objective.Apply(scored.Result)));
        if (!_writing) WriteScores();
    }

    /// <summary>Journals the results that arrived since the last write as one batch (one durable commit, not one per
    /// evaluation); results arriving meanwhile wait for the next batch. A result takes effect, and is published,
    /// only once it is journaled, so a crash loses nothing that was reported.</summary>
    void WriteScores()
    {
        var batch = _unwritten.ToArray();
        _unwritten.Clear();
        _writing = true;
        var written = 0;
        PersistAllAsync(batch.Select(RunJournal.FitnessRecorded.From), _ =>
        {
            var fact = batch[written++];
            _state.RecordFitness(fact.Genome, fact.Result);
            Publish(new EvaluationRecorded(fact.Generation, fact.Genome, fact.Result));
            // Go on as a command: events persisted from inside a handler of a non-stashing write are only sent to
            // the journal when the next command is processed, and there may be none.
            if (written == batch.Length) Self.Tell(ScoresWritten.Instance);
        });
    }

    void OnScoresWritten()
    {
        _writing = false;
        if (_state.IsGenerationComplete) CompleteGeneration();
        else if (_unwritten.Count > 0) WriteScores();
    }

    sealed class ScoresWritten
    {
        public static readonly ScoresWritten Instance = new();
    }

    void CompleteGeneration()
    {
        var ranked = _state.RankedPopulation;
        var current = _state.CurrentSummary();
        Persist(new RunJournal.GenerationCompleted(current.Generation, current.Best, current.Mean, current.Worst,
            current.BestGenome), _ =>
        {
            var summary = _state.CompleteGeneration();
            SaveSnapshot(Snapshot(finished: null));
            Publish(new GenerationCompleted(summary, ranked, DateTimeOffset.UtcNow));
            _log.Info("Generation {0}: best {1:P2} mean {2:P2} ({3})", summary.Generation, summary.Best, summary.Mean, summary.BestGenome);
            if (!_state.IsFinished) StartGeneration();
            else StartFinalEvaluation();
        });
    }

    void StartFinalEvaluation()
    {
        var winner = _state.Best;
        Publish(new FinalEvaluationStarted(winner));
        if (winner.Fitness.Failed)
        {
            Finish(null); // nothing trained successfully: there is no model to test
            return;
        }
        var final = new FinalEvaluation(winner.Fitness.Epochs, _settings.ModelPath);
        var props = GenomeActor.Props(winner.Genome, _slots, _settings.Policy, _settings.Seed, _settings.RunId, final);
        Context.ActorOf(props, "final");
    }

    void OnFinalScored(GenomeScored scored) => Finish(scored.Result);

    void Finish(FitnessResult? test)
    {
        var tested = test is { Failed: false } ? test : null;
        var finished = new RunJournal.RunFinished(_state.Best.Genome.Key, tested?.Accuracy, tested?.ValidationLoss);
        Persist(finished, e =>
        {
            _completed = new RunCompleted(_state.Best, test, _state.History.ToArray(),
                _state.Ranking.Take(10).ToArray());
            _finalSnapshotSequenceNr = LastSequenceNr;
            SaveSnapshot(Snapshot(e)); // the run completes once it replaced every older snapshot
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

    RunJournal.RunSnapshot Snapshot(RunJournal.RunFinished? finished) =>
        new(_journaled.Started!, _state.History.Count, _state.Facts.Select(RunJournal.FitnessRecorded.From).ToArray(), finished);

    void Abort(string reason, bool badInput)
    {
        Publish(new RunAborted(reason, badInput));
        Context.Stop(Self);
    }

    void Publish(RunEvent e)
    {
        foreach (var listener in _listeners) listener.Tell(e);
    }
}
