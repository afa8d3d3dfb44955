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
/// child, plus a few waiting (<see cref="RunActor.TrainingsWanted"/>). Every birth, result and removal is journaled
/// in the order the search made it; on recovery the search is rebuilt from them (a transition whose write was cut
/// short is journaled again whole), the children without a result are sent again, and breeding goes on from exactly
/// that state. Listeners hear the run in rounds of population-size joins (as generations).
/// </summary>
public sealed class SteadyStateActor : RunActor
{
    SteadyStateSearch _state = null!;
    int _inFlight;          // children being evaluated
    int _journaledFacts;    // facts of the search handed to the journal
    int _publishedRounds;   // rounds reported to the listeners
    bool _finishing;

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
        PublishRoundStarted();
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
        Publish(new RunResumed(_state.Round, Journaled.Facts.ToArray(), _state.History.ToArray(), RunStep.Round));
        if (!_state.IsFinished) PublishRoundStarted();
        foreach (var genome in _state.PendingEvaluations) Send(genome);
        WriteFacts(_state.Round); // the rest of a transition whose write was cut short
        Self.Tell(Refill.Instance);
    }

    void OnScored(GenomeScored scored)
    {
        if (_state.Evaluated.ContainsKey(scored.Genome.Key)) return; // a restarted GenomeActor's repeat
        _inFlight--;
        var round = _state.Round;
        _state.RecordResult(scored.Genome, scored.Result);
        WriteFacts(round);
        OnRefill();
    }

    /// <summary>Breeds while slots (and the few waiting beside them) lack a child and the search allows one.</summary>
    void OnRefill()
    {
        while (_inFlight < TrainingsWanted && _state.CanBreed)
        {
            var child = _state.Breed();
            if (child.Evaluate) Send(child.Genome);
        }
        WriteFacts(_state.Round);
    }

    void Send(Genome genome)
    {
        _inFlight++;
        Context.ActorOf(GenomeActor.Props(genome, Slots, Settings.Policy, Settings.Seed, Settings.RunId));
    }

    /// <summary>Journals the facts the search made since the last call, in order; results and closed rounds are
    /// reported once written, and the winner's retraining starts once the last fact is.</summary>
    void WriteFacts(int round)
    {
        var facts = _state.Facts.Skip(_journaledFacts).ToArray();
        if (facts.Length == 0)
        {
            if (_state.IsFinished) FinishOnce();
            return;
        }
        _journaledFacts = _state.Facts.Count;
        var closed = _state.History.Skip(_publishedRounds).ToArray();
        _publishedRounds = _state.History.Count;
        // Ranked only when a round closes: at 400 slots, ranking a population of 1,600 for every result was a large
        // share of the coordinator's CPU per evaluation.
        var ranked = closed.Length > 0 ? _state.RankedPopulation : [];
        var finished = _state.IsFinished;
        var written = 0;
        PersistAllAsync(facts.Select(f => RunJournal.From(f, round)), _ =>
        {
            if (facts[written] is SteadyResult result)
                Publish(new EvaluationRecorded(round, result.Genome, result.Result));
            if (++written < facts.Length) return;
            foreach (var summary in closed)
            {
                Publish(new GenerationCompleted(summary, ranked, DateTimeOffset.UtcNow, RunStep.Round));
                Log.Info("Round {0}: best {1:P2} mean {2:P2} ({3})", summary.Generation, summary.Best, summary.Mean,
                    summary.BestGenome);
            }
            if (closed.Length > 0 && !finished) PublishRoundStarted();
            if (finished) FinishOnce();
        });
    }

    /// <summary>The final evaluation starts as a command, after everything is journaled.</summary>
    void FinishOnce()
    {
        if (_finishing) return;
        _finishing = true;
        Self.Tell(AllJournaled.Instance);
    }

    void PublishRoundStarted()
    {
        var members = _state.Population.Select(m => m.Scored.Genome).ToArray();
        var ages = _state.Population.Select(m => _state.Births - 1 - m.Birth).ToArray();
        Publish(new GenerationStarted(_state.Round, _state.Rounds, members, Settings.Ga.Population, 0,
            DateTimeOffset.UtcNow, RunStep.Round, ages));
    }
}
