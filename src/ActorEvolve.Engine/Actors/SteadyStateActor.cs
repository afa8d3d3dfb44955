using Akka.Actor;
using Akka.Event;
using ActorEvolve.Core.Evolution;
using ActorEvolve.Core.Fitness;
using ActorEvolve.Core.Genes;
using ActorEvolve.Engine.Configuration;
using ActorEvolve.Engine.Persistence;
using ActorEvolve.Engine.Protocol;

namespace ActorEvolve.Engine.Actors;

/// <summary>
/// Drives a steady-state run (<see cref="SteadyStateSearch"/>, pure): it keeps every trainer slot supplied with a
/// child, plus a few waiting without rungs (<see cref="Wanted"/>). Every birth, result and removal is journaled
/// in the order the search made it; on recovery the search is rebuilt from them (a transition whose write was cut
/// short is journaled again whole), the children without a result are sent again, and breeding goes on from exactly
/// that state. Listeners hear the run in rounds of population-size joins (as generations).
/// With rungs the slots get the search's next trials (<see cref="SteadyStateSearch.NextTrial"/>: ASHA's promotions
/// before births), each a <see cref="GenomeActor"/> with a <see cref="RungBudget"/> that prefers the node holding the
/// genome's checkpoint; promotions are journaled facts too, so a resume sends exactly the trials without a result.
/// A genome's checkpoints are dropped on every node once it is fully trained or stopped, the rest at the end.
/// </summary>
public sealed class SteadyStateActor : RunActor
{
    /// <summary>A steady-state run keeps its checkpoints as one generation's: promotions go on all run long.
    /// </summary>
    const int CheckpointGeneration = 0;

    SteadyStateSearch _state = null!;
    int _journaledFacts;    // facts of the search handed to the journal
    int _publishedRounds;   // rounds reported to the listeners
    bool _finishing;
    int _writing;           // batches of facts handed to the journal and not yet reported

    sealed class Refill
    {
        public static readonly Refill Instance = new();
    }

    sealed class AllJournaled
    {
        public static readonly AllJournaled Instance = new();
    }

    public SteadyStateActor(RunSettings settings, bool resume, IReadOnlyList<IActorRef> listeners)
        : base(settings, resume, listeners)
    {
        Command<GenomeScored>(m => !m.Final, OnScored);
        Command<Refill>(_ => OnRefill());
        Command<AllJournaled>(_ => StartFinalEvaluation());
    }

    protected override void OnSlotsChanged() => OnRefill();

    protected override IReadOnlyList<ScoredGenome> Ranking => _state.Ranking;

    protected override IReadOnlyList<GenerationSummary> History => _state.History;

    protected override RunJournal.RunSnapshot? FinalSnapshot(RunJournal.RunFinished finished) => null;

    protected override void Begin()
    {
        _state = new SteadyStateSearch(Settings.Space, Settings.Ga, Settings.Seed, Settings.Goal);
        Publish(RoundStarted());
        Self.Tell(Refill.Instance); // breed as a command: persisting from this callback would wait for the next one
    }

    protected override void Continue()
    {
        try
        {
            _state = Journaled.ReplaySteadyState(Settings);
        }
        catch (InvalidDataException e)
        {
            Abort($"run '{Settings.RunId}' cannot be rebuilt from its journal: {e.Message}", badInput: true);
            return;
        }
        _journaledFacts = Journaled.SteadyFacts;
        _publishedRounds = _state.History.Count;
        Publish(new RunResumed(Round, Journaled.Facts.ToArray(), _state.History.ToArray(), RunStep.Round));
        if (_state.Round < _state.Rounds) Publish(RoundStarted());
        if (Settings.Ga.Rungs is null)
            foreach (var genome in _state.PendingEvaluations) Train(genome);
        else
            foreach (var trial in _state.PendingTrials) Train(trial);
        WriteFacts(Round); // the rest of a transition whose write was cut short
        Self.Tell(Refill.Instance);
    }

    /// <summary>A result (a restarted GenomeActor's repeat is ignored by the search). A rung result that ends its
    /// genome's climb (the top rung, or stopped) lets every node drop the genome's checkpoint.</summary>
    void OnScored(GenomeScored scored)
    {
        var round = Round;
        var rung = scored.Rung is { } budget ? Settings.Ga.Rungs!.RungOf(budget.Epochs) : 0;
        _state.RecordResult(scored.Genome, scored.Result, rung);
        if (scored.Rung is not null && _state.Evaluated[scored.Genome.Key].Fitness is { Partial: false } final &&
            final.Rung == rung)
            Slots.Tell(new ToEveryNode(new DropCheckpoint(Settings.RunId, CheckpointGeneration, scored.Genome.Key)));
        WriteFacts(round);
        OnRefill();
    }

    /// <summary>Starts trainings while fewer than <see cref="Wanted"/> run and the search has one.</summary>
    void OnRefill()
    {
        while (_state.Running < Wanted && StartNext())
        {
        }
        WriteFacts(Round);
    }

    /// <summary>Trainings to keep asked for. With rungs one per slot, none waiting: the slots actor lends a freed
    /// slot to the oldest request, so with births waiting the slot a rung result freed went to one of them and the
    /// promotion it made (whose checkpoint is on that slot's node) got a slot elsewhere and trained from scratch.
    /// </summary>
    int Wanted => Settings.Ga.Rungs is null ? TrainingsWanted : SlotCount;

    /// <summary>Starts the search's next training (with rungs, its next trial; else the next child, which needs no
    /// training when it is already evaluated); false when nothing can start now.</summary>
    bool StartNext()
    {
        if (Settings.Ga.Rungs is not null)
        {
            if (_state.NextTrial() is not { } trial) return false;
            Train(trial);
            return true;
        }
        if (!_state.CanBreed) return false;
        if (_state.Breed() is { Evaluate: true } child) Train(child.Genome);
        return true;
    }

    void Train(RungTrial trial) => Train(trial.Genome, new RungBudget(CheckpointGeneration, trial.Epochs),
        TrainerNames.NodeOf(trial.FromTrainer));

    void Train(Genome genome, RungBudget? rung = null, string? preferredNode = null) =>
        Context.ActorOf(GenomeActor.Props(genome, Slots, Settings.Policy, Settings.Seed, Settings.RunId, rung: rung,
            preferredNode: preferredNode));

    /// <summary>Journals the facts the search made since the last call, in order; results and closed rounds are
    /// reported once written, and the winner's retraining starts once the last fact is.</summary>
    void WriteFacts(int round)
    {
        var facts = _state.Facts.Skip(_journaledFacts).ToArray();
        if (facts.Length == 0)
        {
            if (_state.IsFinished && _writing == 0) FinishOnce(); // else the last batch's report starts it
            return;
        }
        _journaledFacts = _state.Facts.Count;
        var closed = _state.History.Skip(_publishedRounds).ToArray();
        _publishedRounds = _state.History.Count;
        // Ranked only when a round closes: at 400 slots, ranking a population of 1,600 for every result was a large
        // share of the coordinator's CPU per evaluation.
        var ranked = closed.Length > 0 ? _state.RankedPopulation : [];
        var finished = _state.IsFinished;
        // The next round's start is built now: by the time the write is acknowledged, later results may have moved
        // the state on (it announced "round 6/5" and never round 5). None after the last round (with rungs,
        // promotions go on after it).
        var next = closed.Length > 0 && _state.Round < _state.Rounds ? RoundStarted() : null;
        var written = 0;
        _writing++;
        PersistAllAsync(facts.Select(f => RunJournal.From(f, round)), _ =>
        {
            if (facts[written] is SteadyResult result) PublishResult(round, result);
            if (++written < facts.Length) return;
            _writing--;
            foreach (var summary in closed)
            {
                Publish(new GenerationCompleted(summary, ranked, DateTimeOffset.UtcNow, RunStep.Round));
                Log.Info("Round {0}: best {1:P2} mean {2:P2} ({3})", summary.Generation, summary.Best, summary.Mean,
                    summary.BestGenome);
            }
            if (next is not null) Publish(next);
            if (finished) FinishOnce();
        });
    }

    /// <summary>A result; with rungs first as the rung trial it is (<see cref="RungTrained"/>).</summary>
    void PublishResult(int round, SteadyResult result)
    {
        if (Settings.Ga.Rungs is { } rungs && result.Result.Rung is { } rung)
            Publish(RungTrained.Of(round, result.Genome, rung, result.Result,
                result.Result.StoppedBefore(rungs.Epochs[rung]), rungs));
        Publish(new EvaluationRecorded(round, result.Genome, result.Result));
    }

    /// <summary>The final evaluation starts as a command, after everything is journaled; no checkpoint is needed
    /// any more.</summary>
    void FinishOnce()
    {
        if (_finishing) return;
        _finishing = true;
        DropCheckpoints(before: int.MaxValue);
        Self.Tell(AllJournaled.Instance);
    }

    /// <summary>The round results count in: with rungs, promotions after the last birth joined count in the last.
    /// </summary>
    int Round => Math.Min(_state.Round, _state.Rounds - 1);

    GenerationStarted RoundStarted()
    {
        var members = _state.Population.Select(m => m.Scored.Genome).ToArray();
        var ages = _state.Population.Select(m => _state.Births - 1 - m.Birth).ToArray();
        return new GenerationStarted(_state.Round, _state.Rounds, members, Settings.Ga.Population, 0,
            DateTimeOffset.UtcNow, RunStep.Round, ages);
    }
}
