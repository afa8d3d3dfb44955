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
/// With rungs (<see cref="GaSettings.Rungs"/>) a generation's new children are trained by
/// <see cref="SuccessiveHalving"/>: each trial that comes back is journaled (<see cref="RunJournal.RungCompleted"/>,
/// replayed into the generation's halving on recovery, so no finished rung trains again), the slots are kept busy
/// with its next trials, and once it settles the children's results are recorded as usual and the trials still
/// running (early promotions that fell out) are cancelled.
/// </summary>
public sealed class PopulationActor : RunActor
{
    SearchState _state = null!;
    readonly List<RecordedFitness> _unwritten = []; // scored, waiting for the journal write in flight to finish
    bool _writing;
    SuccessiveHalving? _halving; // this generation's rungs, until they settle
    readonly Dictionary<string, (IActorRef Actor, RungTrial Trial)> _trials = new(StringComparer.Ordinal);
    readonly Dictionary<string, int> _epochsTrained = new(StringComparer.Ordinal); // by this generation's trials

    public PopulationActor(RunSettings settings, bool resume, IReadOnlyList<IActorRef> listeners)
        : base(settings, resume, listeners)
    {
        Command<GenomeScored>(m => m is { Final: false, Rung: null }, OnScored);
        Command<GenomeScored>(m => m is { Final: false, Rung: not null }, OnRungScored);
        Command<ScoresWritten>(_ => OnScoresWritten());
    }

    protected override void Begin()
    {
        _state = new SearchState(Settings.Space, Settings.Ga, Settings.Seed, Settings.Goal);
        StartGeneration();
    }

    protected override void Continue()
    {
        _state = Journaled.Replay(Settings);
        Publish(Journaled.Resumed(_state, Settings));
        if (_state.IsFinished) Finish(); // killed while retraining the winner
        else StartGeneration();
    }

    protected override IReadOnlyList<ScoredGenome> Ranking => _state.Ranking;

    protected override IReadOnlyList<GenerationSummary> History => _state.History;

    protected override RunJournal.RunSnapshot FinalSnapshot(RunJournal.RunFinished finished) => Snapshot(finished);

    void StartGeneration()
    {
        var pending = _state.PendingEvaluations;
        Persist(new RunJournal.GenerationStarted(_state.Generation, _state.Population.Select(g => g.Key).ToArray()),
            _ => { });
        Publish(new GenerationStarted(_state.Generation, Settings.Ga.Generations, _state.Population, pending.Count,
            _state.Population.Count - pending.Count, DateTimeOffset.UtcNow));
        if (pending.Count == 0)
        {
            CompleteGeneration(); // every genome of this generation was evaluated before
            return;
        }
        if (Settings.Ga.Rungs is { } rungs)
        {
            StartRungs(rungs);
            return;
        }
        foreach (var genome in pending)
            Context.ActorOf(GenomeActor.Props(genome, Slots, Settings.Policy, Settings.Seed, Settings.RunId));
    }

    void OnScored(GenomeScored scored)
    {
        var key = scored.Genome.Key;
        // a restarted GenomeActor's repeat
        if (_state.Evaluated.ContainsKey(key) || _unwritten.Any(f => f.Genome.Key == key)) return;
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
            Log.Info("Generation {0}: best {1:P2} mean {2:P2} ({3})", summary.Generation, summary.Best, summary.Mean,
                summary.BestGenome);
            if (!_state.IsFinished) StartGeneration();
            else Finish();
        });
    }

    void Finish()
    {
        DropCheckpoints(before: int.MaxValue);
        StartFinalEvaluation();
    }

    void StartRungs(RungSettings rungs)
    {
        DropCheckpoints(before: _state.Generation);
        _halving = new SuccessiveHalving(_state.NewThisGeneration, rungs);
        _epochsTrained.Clear();
        foreach (var trial in Journaled.RungTrials(_state.Generation)) ApplyRung(trial);
        if (_halving.IsSettled) SettleRungs();
        else StartTrials();
    }

    protected override void OnSlotsChanged()
    {
        if (_halving is not null) StartTrials();
    }

    /// <summary>Keeps the slots supplied with the halving's next trials: a promotion, preferably on the node that
    /// holds the genome's checkpoint, else a child's first rung.</summary>
    void StartTrials()
    {
        while (_trials.Count < TrainingsWanted && _halving!.Next() is { } trial)
        {
            var key = trial.Genome.Key;
            var props = GenomeActor.Props(trial.Genome, Slots, Settings.Policy, Settings.Seed, Settings.RunId,
                rung: new RungBudget(_state.Generation, trial.Epochs),
                preferredNode: TrainerNames.NodeOf(trial.FromTrainer));
            _trials[key] = (Context.ActorOf(props), trial);
        }
    }

    void OnRungScored(GenomeScored scored)
    {
        var key = scored.Genome.Key;
        // an answer after the rungs settled, or a restarted GenomeActor's repeat
        if (_halving is null || !_trials.Remove(key, out var running)) return;
        var trial = running.Trial;
        var result = _state.Objective.Apply(scored.Result);
        var fitness = RunJournal.FitnessRecorded.From(new RecordedFitness(_state.Generation, scored.Genome, result));
        Persist(new RunJournal.RungCompleted(trial.Rung, result.StoppedBefore(trial.Epochs), fitness), done =>
        {
            Publish(ApplyRung(done));
            if (_halving.IsSettled) SettleRungs();
            else StartTrials();
        });
    }

    /// <summary>Feeds a journaled trial to the halving and counts the epochs it trained for its child.</summary>
    RungTrained ApplyRung(RunJournal.RungCompleted trial)
    {
        var told = trial.Told(Settings.Ga.Rungs!);
        _halving!.Record(told.Genome, told.Rung, told.Result, told.Stopped);
        var key = told.Genome.Key;
        _epochsTrained[key] = _epochsTrained.GetValueOrDefault(key) + told.EpochsTrained;
        return told;
    }

    /// <summary>The generation's rungs are settled: trials still running are moot (their actors stop, which cancels
    /// the training) and every child's result is recorded as in a run without rungs.</summary>
    void SettleRungs()
    {
        foreach (var (actor, _) in _trials.Values) Context.Stop(actor);
        _trials.Clear();
        foreach (var child in _halving!.Results().Where(r => !_state.Evaluated.ContainsKey(r.Genome.Key)))
            _unwritten.Add(new RecordedFitness(_state.Generation, child.Genome, child.Fitness with
            {
                EpochsTrained = _epochsTrained.GetValueOrDefault(child.Genome.Key),
            }));
        _halving = null;
        if (_unwritten.Count > 0) WriteScores();
        else CompleteGeneration(); // a resumed run whose every result was journaled before it stopped
    }

    RunJournal.RunSnapshot Snapshot(RunJournal.RunFinished? finished) =>
        new(Journaled.Started!, _state.History.Count, _state.Facts.Select(RunJournal.FitnessRecorded.From).ToArray(),
            finished);
}
