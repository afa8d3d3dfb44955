using ActorEvolve.Core.Evolution;
using ActorEvolve.Core.Fitness;
using ActorEvolve.Core.Genes;
using ActorEvolve.Engine.Protocol;
using ActorEvolve.Engine.Configuration;

namespace ActorEvolve.Engine.Persistence;

/// <summary>What the journal says about one run, rebuilt from its latest snapshot and the events after it: the
/// single source of a run's status and of everything its folder shows. <c>PopulationActor</c> recovers
/// into it; <see cref="JournalReader"/> reads it for commands that only look.</summary>
public sealed class JournaledRun
{
    readonly List<RecordedFitness> _facts = [];
    readonly List<SteadyFact> _steady = [];
    readonly List<RunJournal.RungCompleted> _rungTrials = [];

    /// <summary>Null: the journal never recorded the run (it was stopped or refused before it started).</summary>
    public RunJournal.RunStarted? Started { get; private set; }
    public IReadOnlyList<RecordedFitness> Facts => _facts;
    public int CompletedGenerations { get; private set; }
    /// <summary>Set once the winner's final evaluation is journaled: the run is over.</summary>
    public RunJournal.RunFinished? Finished { get; private set; }
    /// <summary>The sequence number of the snapshot recovery started from (0: none).</summary>
    public long SnapshotSequenceNr { get; private set; }

    public bool IsRecorded => Started is not null;
    public bool IsFinished => Finished is not null;

    public void Apply(Akka.Persistence.SnapshotOffer offer)
    {
        var snapshot = (RunJournal.RunSnapshot)offer.Snapshot;
        SnapshotSequenceNr = offer.Metadata.SequenceNr;
        Started = snapshot.Started;
        CompletedGenerations = snapshot.CompletedGenerations;
        _facts.Clear();
        _facts.AddRange(snapshot.Facts.Select(f => f.ToFact()));
        Finished = snapshot.Finished;
    }

    public void Apply(RunJournal.IRecord record)
    {
        switch (record)
        {
            case RunJournal.RunStarted started: Started = started; break;
            case RunJournal.FitnessRecorded fitness: _facts.Add(fitness.ToFact()); break;
            case RunJournal.GenerationCompleted: CompletedGenerations++; break;
            case RunJournal.RungCompleted trial: _rungTrials.Add(trial); break;
            case RunJournal.RunFinished finished: Finished = finished; break;
            case RunJournal.ChildBorn born: _steady.Add(new SteadyBirth(born.Birth, Genome.Parse(born.Genome))); break;
            case RunJournal.ChildEvaluated evaluated:
                var fact = evaluated.Fitness.ToFact();
                _facts.Add(fact);
                _steady.Add(new SteadyResult(fact.Genome, fact.Result));
                break;
            case RunJournal.MemberRemoved removed:
                _steady.Add(new SteadyRemoval(removed.Birth, Genome.Parse(removed.Genome)));
                break;
            case RunJournal.GenomePromoted promoted:
                _steady.Add(new SteadyPromotion(Genome.Parse(promoted.Genome), promoted.Rung));
                break;
        }
    }

    /// <summary>The rung trials journaled in generation <paramref name="generation"/>, in the order they came back.
    /// </summary>
    public IEnumerable<RunJournal.RungCompleted> RungTrials(int generation) =>
        _rungTrials.Where(t => t.Fitness.Generation == generation);

    /// <summary>Where a generational run stands, as a resumed run tells it: its facts, its history and, with rungs,
    /// the current generation's trials that came back.</summary>
    public RunResumed Resumed(SearchState state, RunSettings settings) => new(state.Generation, state.Facts.ToArray(),
        state.History.ToArray(), Trials: settings.Ga.Rungs is { } rungs
            ? RungTrials(state.Generation).Select(t => t.Told(rungs)).ToArray() : null);

    /// <summary>How many steady-state facts the journal holds (a rebuilt state may add the tail of a transition
    /// whose write was cut short).</summary>
    public int SteadyFacts => _steady.Count;

    /// <summary>A steady-state search rebuilt from its journaled births, results and removals.</summary>
    public SteadyStateSearch ReplaySteadyState(RunSettings settings) =>
        SteadyStateSearch.Replay(settings.Space, settings.Ga, settings.Seed, _steady, settings.Goal);

    /// <summary>The search rebuilt from the journaled facts, without training anything.</summary>
    public SearchState Replay(RunSettings settings) =>
        SearchState.Replay(settings.Space, settings.Ga, settings.Seed, _facts, CompletedGenerations, settings.Goal);

    /// <summary>What the run's listeners would have heard: where it stands and, when it is over, how it ended.
    /// Enough to rebuild the run folder (results.csv, summary.json) from the journal alone.</summary>
    public IEnumerable<RunEvent> Replayed(RunSettings settings)
    {
        var (resumed, ranking) = Standing(settings);
        yield return resumed;
        if (Finished is not { } finished) yield break;
        var winner = ranking[0];
        var test = new RunJournal.FrontTest(winner.Genome.Key, finished.TestAccuracy, finished.TestLoss)
            .ToResult(winner.Fitness.Epochs, winner.Fitness.Trainer);
        var evaluated = ranking.DistinctBy(s => s.Genome.Key).ToDictionary(s => s.Genome.Key, s => s.Fitness);
        var tests = (finished.Front ?? []).Where(t => evaluated.ContainsKey(t.Genome)).ToDictionary(t => t.Genome,
            t => t.ToResult(evaluated[t.Genome].Epochs, evaluated[t.Genome].Trainer));
        yield return new RunCompleted(winner, test, resumed.History, ranking.Take(10).ToArray(),
            FrontMember.Of(ranking, settings.Goal, tests));
    }

    /// <summary>Where the run stands, as a resumed run tells it, and every evaluated genome, best first.</summary>
    (RunResumed Resumed, IReadOnlyList<ScoredGenome> Ranking) Standing(RunSettings settings)
    {
        if (settings.Ga.Mode == GaMode.SteadyState)
        {
            var steady = ReplaySteadyState(settings);
            return (new RunResumed(steady.Round, _facts.ToArray(), steady.History.ToArray(), RunStep.Round),
                steady.Ranking);
        }
        var state = Replay(settings);
        return (Resumed(state, settings), state.Ranking);
    }
}
