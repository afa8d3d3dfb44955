using Akka.Actor;
using Akka.Routing;
using ActorEvolve.Core.Evolution;
using ActorEvolve.Core.Genes;
using ActorEvolve.Engine.Actors;
using ActorEvolve.Engine.Cluster;

namespace ActorEvolve.Engine.Tests;

/// <summary>Base for actor tests: a trainer pool of real TrainerActors on their pinned dispatcher, fed by a fake
/// fitness, and a PopulationActor reporting to the TestKit's test actor.</summary>
public abstract class EngineSpec(string? extraConfig = null) : Akka.TestKit.Xunit2.TestKit(
    (extraConfig ?? "") + "\nactorevolve.trainer-dispatcher { type = PinnedDispatcher }\nakka.loglevel = WARNING")
{
    protected static SearchSpace Space => new([
        new ChoiceGene("nb_neurons", ["64", "128", "256", "512", "768", "1024"]),
        new IntRangeGene("nb_layers", 1, 4),
        new ChoiceGene("activation", ["relu", "elu", "tanh", "sigmoid"]),
        new ChoiceGene("optimizer", ["rmsprop", "adam", "sgd", "adagrad", "adadelta", "adamax", "nadam"]),
    ]);

    protected static readonly EvaluationPolicy Patient = new(TimeSpan.FromSeconds(10), 3, TimeSpan.FromSeconds(10));

    protected IActorRef StartRun(FakeFitness fitness, GaSettings ga, long seed = 42, EvaluationPolicy? policy = null,
        int slots = 2, SearchSpace? space = null)
    {
        TrainerNode.Register(Sys, fitness);
        var trainers = Sys.ActorOf(Props.Create<TrainerActor>().WithDispatcher(TrainerPool.Dispatcher)
            .WithRouter(new RoundRobinPool(slots)));
        var settings = new RunSettings("test", seed, space ?? Space, ga, policy ?? Patient, ModelPath: null);
        return Sys.ActorOf(PopulationActor.Props(settings, trainers, [TestActor]));
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
            }, within ?? TimeSpan.FromSeconds(30));
        }
        catch (Exception e)
        {
            throw new Exception("run did not complete; events so far:\n" + string.Join("\n", events), e);
        }
        return events;
    }
}
