using Akka.Actor;
using ActorEvolve.Core.Evolution;
using ActorEvolve.Core.Fitness;
using ActorEvolve.Core.Genes;
using ActorEvolve.Engine.Actors;
using ActorEvolve.Engine.Cluster;
using ActorEvolve.Engine.Protocol;
using ActorEvolve.Engine.Configuration;

namespace ActorEvolve.Engine.Tests;

/// <summary>Base for actor tests: a cluster of one node on loopback whose trainer host of real TrainerActors is fed
/// by a fake fitness, and a PopulationActor reporting to the TestKit's test actor.</summary>
/// <param name="systemName">The actor system's name: <see cref="SearchHost.SystemName"/> for a spec that real trainer
/// nodes join (nodes join only a system of their own name).</param>
public abstract class EngineSpec(string journal = "akka.persistence.journal.inmem", string? systemName = null)
    : Akka.TestKit.Xunit2.TestKit(Akka.Configuration.ConfigurationFactory.ParseString($$"""
    akka.loglevel = WARNING
    akka.actor.provider = cluster
    akka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0 }
    akka.cluster.roles = [population, trainer]
    akka.persistence.journal.plugin = "{{journal}}"
    akka.persistence.journal.test {
      class = "Akka.Persistence.TestKit.TestJournal, Akka.Persistence.TestKit"
      plugin-dispatcher = "akka.actor.default-dispatcher"
    }
    akka.persistence.snapshot-store.plugin = "akka.persistence.snapshot-store.inmem"
    akka.actor.serializers {
      actorevolve-journal = "ActorEvolve.Engine.Persistence.JournalSerializer, ActorEvolve.Engine"
      actorevolve-trainer = "ActorEvolve.Engine.Cluster.TrainerProtocolSerializer, ActorEvolve.Engine"
    }
    akka.actor.serialization-bindings {
      "ActorEvolve.Engine.Persistence.RunJournal+IRecord, ActorEvolve.Engine" = actorevolve-journal
      "ActorEvolve.Engine.Protocol.ITrainerMessage, ActorEvolve.Engine" = actorevolve-trainer
    }
    """), systemName)
{
    protected static SearchSpace Space => new([
        new ChoiceGene("nb_neurons", ["64", "128", "256", "512", "768", "1024"]),
        new IntRangeGene("nb_layers", 1, 4),
        new ChoiceGene("activation", ["relu", "elu", "tanh", "sigmoid"]),
        new ChoiceGene("optimizer", ["rmsprop", "adam", "sgd", "adagrad", "adadelta", "adamax", "nadam"]),
    ]);

    protected static readonly EvaluationPolicy Patient = new(TimeSpan.FromSeconds(10), 3, TimeSpan.FromSeconds(10));

    /// <summary>How long to wait for one expected message: generous, as CI runs the test assemblies side by
    /// side.</summary>
    protected static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    bool _trainersStarted;

    /// <summary>Starts (or resumes) run <paramref name="runId"/> on this node's trainer slots (made on first use,
    /// with <paramref name="fitness"/> and <paramref name="stateDirectory"/>: one of each per test system), lent once
    /// the node is up.</summary>
    protected IActorRef StartRun(IFitnessFunction fitness, GaSettings ga, long seed = 42,
        EvaluationPolicy? policy = null, int slots = 2, SearchSpace? space = null, string? runId = null,
        bool resume = false, string? stateDirectory = null)
    {
        if (!_trainersStarted)
        {
            TrainerNodeHost.StartSlots(Sys, fitness, slots, stateDirectory);
            var cluster = Akka.Cluster.Cluster.Get(Sys);
            cluster.Join(cluster.SelfAddress);
            _trainersStarted = true;
        }
        var settings = new RunSettings(runId ?? Guid.NewGuid().ToString("N"), seed, space ?? Space, ga,
            policy ?? Patient, ModelPath: null);
        return Sys.ActorOf(RunActor.Props(settings, resume, [TestActor]));
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
