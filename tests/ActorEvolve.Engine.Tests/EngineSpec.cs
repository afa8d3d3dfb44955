using Akka.Actor;
using Akka.Routing;
using ActorEvolve.Core.Evolution;
using ActorEvolve.Core.Genes;
using ActorEvolve.Engine.Actors;
using ActorEvolve.Engine.Cluster;

namespace ActorEvolve.Engine.Tests;

/// <summary>Base for actor tests: a trainer host of real TrainerActors behind a router,
/// fed by a fake fitness, and a PopulationActor reporting to the TestKit's test actor.</summary>
public abstract class EngineSpec(string journal = "akka.persistence.journal.inmem") : Akka.TestKit.Xunit2.TestKit($$"""
    akka.loglevel = WARNING
    akka.persistence.journal.plugin = "{{journal}}"
    akka.persistence.journal.test {
      class = "Akka.Persistence.TestKit.TestJournal, Akka.Persistence.TestKit"
      plugin-dispatcher = "akka.actor.default-dispatcher"
    }
    akka.persistence.snapshot-store.plugin = "akka.persistence.snapshot-store.inmem"
    akka.actor.serializers.actorevolve-journal = "ActorEvolve.Engine.Persistence.JournalSerializer, ActorEvolve.Engine"
    akka.actor.serialization-bindings { "ActorEvolve.Engine.Persistence.IRunJournalRecord, ActorEvolve.Engine" = actorevolve-journal }
    """)
{
    protected static SearchSpace Space => new([
        new ChoiceGene("nb_neurons", ["64", "128", "256", "512", "768", "1024"]),
        new IntRangeGene("nb_layers", 1, 4),
        new ChoiceGene("activation", ["relu", "elu", "tanh", "sigmoid"]),
        new ChoiceGene("optimizer", ["rmsprop", "adam", "sgd", "adagrad", "adadelta", "adamax", "nadam"]),
    ]);

    protected static readonly EvaluationPolicy Patient = new(TimeSpan.FromSeconds(10), 3, TimeSpan.FromSeconds(10));

    /// <summary>How long to wait for one expected message: generous, as CI runs the test assemblies side by side.</summary>
    protected static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    IActorRef? _trainers;

    /// <summary>Starts (or resumes) run <paramref name="runId"/> on this system's trainer pool (made on first use,
    /// with <paramref name="fitness"/>: one fitness per test system).</summary>
    protected IActorRef StartRun(FakeFitness fitness, GaSettings ga, long seed = 42, EvaluationPolicy? policy = null,
        int slots = 2, SearchSpace? space = null, string? runId = null, bool resume = false)
    {
        if (_trainers is null)
        {
            TrainerNodeHost.StartSlots(Sys, fitness, slots);
            _trainers = Sys.ActorOf(new RoundRobinGroup($"/user/{TrainerHostActor.Name}").Props());
        }
        var settings = new RunSettings(runId ?? Guid.NewGuid().ToString("N"), seed, space ?? Space, ga, policy ?? Patient, ModelPath: null);
        return Sys.ActorOf(PopulationActor.Props(settings, resume, _trainers, [TestActor]));
    }

    /// <summary>Collects every run event until the run completes.</summary>
    protected List<RunEvent> ReceiveRun(TimeSpan? within = null)
    {
        var events = new List<RunEvent>();
        try
        {
            FishForMessage<RunEvent>(e =>
            {
                events.Add(e);
                return e is RunCompleted;
            }, within ?? TimeSpan.FromSeconds(60));
        }
        catch (Exception e)
        {
            throw new Exception("run did not complete; events so far:\n" + string.Join("\n", events), e);
        }
        return events;
    }
}
