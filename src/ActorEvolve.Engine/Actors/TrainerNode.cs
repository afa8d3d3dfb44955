using Akka.Actor;
using ActorEvolve.Core.Fitness;

namespace ActorEvolve.Engine.Actors;

/// <summary>
/// What the trainer slots of this node share: the fitness function (the dataset is loaded once per node) and a
/// token cancelled when the node shuts down. Registered by the host before the trainer pool starts, so that
/// TrainerActor props carry no arguments and can be deployed on any node by the cluster router.
/// </summary>
public sealed class TrainerNode : IExtension
{
    readonly CancellationTokenSource _shutdown = new();

    public IFitnessFunction Fitness { get; }
    public string NodeName { get; }
    public CancellationToken Shutdown => _shutdown.Token;

    TrainerNode(ActorSystem system, IFitnessFunction fitness)
    {
        Fitness = fitness;
        var address = ((ExtendedActorSystem)system).Provider.DefaultAddress;
        NodeName = address.Host is null ? "local" : $"{address.Host}:{address.Port}";
        CoordinatedShutdown.Get(system).AddTask(CoordinatedShutdown.PhaseBeforeServiceUnbind, "cancel-trainings", () =>
        {
            _shutdown.Cancel();
            return Task.FromResult(Akka.Done.Instance);
        });
    }

    public static TrainerNode Register(ActorSystem system, IFitnessFunction fitness) =>
        (TrainerNode)system.RegisterExtension(new Provider(fitness));

    public static TrainerNode Get(ActorSystem system) =>
        system.GetExtension<TrainerNode>() ?? throw new InvalidOperationException(
            "this node has no trainer: TrainerNode.Register must run before trainer slots start");

    sealed class Provider(IFitnessFunction fitness) : ExtensionIdProvider<TrainerNode>
    {
        public override TrainerNode CreateExtension(ExtendedActorSystem system) => new(system, fitness);
    }
}
