using Akka.Actor;
using Akka.Event;
using Akka.Routing;
using ActorEvolve.Core.Evolution;
using ActorEvolve.Core.Fitness;
using ActorEvolve.Core.Genes;

namespace ActorEvolve.Engine.Actors;

/// <summary>Everything a run needs to know, fixed when it starts.</summary>
public sealed record RunSettings(string RunId, long Seed, SearchSpace Space, GaSettings Ga, EvaluationPolicy Policy,
    string? ModelPath);

/// <summary>What a run tells its listeners (live view, results writer), in order.</summary>
public abstract record RunEvent;
public sealed record GenerationStarted(int Generation, int Generations, IReadOnlyList<Genome> Population, int ToTrain, int Cached) : RunEvent;
public sealed record EvaluationRecorded(int Generation, Genome Genome, FitnessResult Result) : RunEvent;
public sealed record GenerationCompleted(GenerationSummary Summary, IReadOnlyList<ScoredGenome> Ranked) : RunEvent;
public sealed record FinalEvaluationStarted(ScoredGenome Winner) : RunEvent;
public sealed record RunCompleted(ScoredGenome Winner, FitnessResult? Test, IReadOnlyList<GenerationSummary> History,
    IReadOnlyList<ScoredGenome> Top) : RunEvent;

/// <summary>
/// Drives the generations of one run. The GA itself lives in <see cref="SearchState"/> (pure, testable);
/// this actor turns its pending evaluations into GenomeActors and their answers back into state.
/// It also hands out trainer slots: the cluster-aware router deploys a slot on every trainer node and tells us
/// its routees (GetRoutees, polled every second as nodes come and go); each GenomeActor borrows an idle routee
/// for one attempt. So a request never waits behind another slot's long training while a slot sits idle.
/// A slot whose attempt timed out is set aside until an Identify sent to it comes back (it has finished its
/// backlog), so a retry goes to a slot that can actually take it.
/// </summary>
public sealed class PopulationActor : ReceiveActor, IWithTimers
{
    sealed record RefreshCapacity;

    readonly RunSettings _settings;
    readonly IActorRef _trainers;
    readonly IReadOnlyList<IActorRef> _listeners;
    readonly SearchState _state;
    readonly ILoggingAdapter _log = Context.GetLogger();
    readonly List<IActorRef> _waiting = [];       // GenomeActors that want a trainer slot, oldest first
    readonly Dictionary<IActorRef, IActorRef> _busy = []; // trainer slot → the GenomeActor using it
    readonly HashSet<IActorRef> _stalled = [];            // slots whose last attempt timed out: busy until they answer
    IReadOnlyList<IActorRef> _slots = [];

    public ITimerScheduler Timers { get; set; } = null!;

    public PopulationActor(RunSettings settings, IActorRef trainers, IReadOnlyList<IActorRef> listeners)
    {
        _settings = settings;
        _trainers = trainers;
        _listeners = listeners;
        _state = new SearchState(settings.Space, settings.Ga, settings.Seed);

        Receive<Routees>(r =>
        {
            _slots = r.Members.OfType<ActorRefRoutee>().Select(m => m.Actor).ToArray();
            _stalled.IntersectWith(_slots); // a slot of a node that left is gone for good
            Assign();
        });
        Receive<RefreshCapacity>(_ => _trainers.Tell(GetRoutees.Instance));
        Receive<TrainerWanted>(_ => { _waiting.Add(Sender); Assign(); });
        Receive<TrainerReleased>(m =>
        {
            _busy.Remove(m.Trainer);
            if (!m.Answered && _stalled.Add(m.Trainer))
                m.Trainer.Tell(new Identify(null)); // answered only once the slot has worked through its mailbox
            Assign();
        });
        Receive<ActorIdentity>(m =>
        {
            if (m.Subject is not null) _stalled.Remove(m.Subject);
            Assign();
        });
        Receive<GenomeScored>(m => !m.Final, OnScored);
        Receive<GenomeScored>(m => m.Final, OnFinalScored);
    }

    public static Props Props(RunSettings settings, IActorRef trainers, IReadOnlyList<IActorRef> listeners) =>
        Akka.Actor.Props.Create(() => new PopulationActor(settings, trainers, listeners));

    /// <summary>A GenomeActor that crashes (a bug, not a failed training: those it handles itself) is restarted
    /// and simply asks again; it holds nothing that a restart would lose.</summary>
    protected override SupervisorStrategy SupervisorStrategy() =>
        new OneForOneStrategy(maxNrOfRetries: 3, withinTimeRange: TimeSpan.FromMinutes(1), _ => Directive.Restart);

    protected override void PreStart()
    {
        // Trainer nodes join and leave: keep the number of slots we may use up to date.
        Timers.StartPeriodicTimer("capacity", new RefreshCapacity(), TimeSpan.Zero, TimeSpan.FromSeconds(1));
        StartGeneration();
    }

    void StartGeneration()
    {
        var pending = _state.PendingEvaluations;
        Publish(new GenerationStarted(_state.Generation, _settings.Ga.Generations, _state.Population, pending.Count,
            _state.Population.Count - pending.Count));
        if (pending.Count == 0)
        {
            CompleteGeneration(); // every genome of this generation was evaluated before
            return;
        }
        foreach (var genome in pending) Context.ActorOf(GenomeActor.Props(genome, _settings.Policy, _settings.Seed));
    }

    /// <summary>Gives idle trainer slots to waiting GenomeActors, oldest request first.</summary>
    void Assign()
    {
        foreach (var slot in _slots)
        {
            if (_busy.ContainsKey(slot) || _stalled.Contains(slot)) continue;
            if (_waiting.Count == 0) return;
            var genomeActor = _waiting[0];
            _waiting.RemoveAt(0);
            _busy[slot] = genomeActor;
            genomeActor.Tell(new TrainerAssigned(slot));
        }
    }

    /// <summary>A GenomeActor that has scored may still have been waiting for, or just been given, a slot (a late
    /// answer to a timed-out attempt can beat the next assignment): whatever it held or asked for is freed here.</summary>
    void Forget(IActorRef genomeActor)
    {
        _waiting.RemoveAll(w => w.Equals(genomeActor));
        foreach (var slot in _busy.Where(b => b.Value.Equals(genomeActor)).Select(b => b.Key).ToArray()) _busy.Remove(slot);
        Assign();
    }

    void OnScored(GenomeScored scored)
    {
        Forget(Sender);
        _state.RecordFitness(scored.Genome, scored.Result);
        Publish(new EvaluationRecorded(_state.Generation, scored.Genome, scored.Result));
        if (_state.IsGenerationComplete) CompleteGeneration();
    }

    void CompleteGeneration()
    {
        var ranked = _state.RankedPopulation;
        var summary = _state.CompleteGeneration();
        Publish(new GenerationCompleted(summary, ranked));
        _log.Info("Generation {0}: best {1:P2} mean {2:P2} ({3})", summary.Generation, summary.Best, summary.Mean, summary.BestGenome);
        if (!_state.IsFinished) StartGeneration();
        else StartFinalEvaluation();
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
        Context.ActorOf(GenomeActor.Props(winner.Genome, _settings.Policy, _settings.Seed, final), "final");
    }

    void OnFinalScored(GenomeScored scored)
    {
        Forget(Sender);
        Finish(scored.Result);
    }

    void Finish(FitnessResult? test)
    {
        Publish(new RunCompleted(_state.Best, test, _state.History, _state.Ranking.Take(10).ToArray()));
        Context.Stop(Self);
    }

    void Publish(RunEvent e)
    {
        foreach (var listener in _listeners) listener.Tell(e);
    }
}
