using Akka.Actor;
using Akka.Event;
using ActorEvolve.Core.Fitness;
using ActorEvolve.Engine.Protocol;
using ActorEvolve.Engine.Results;

namespace ActorEvolve.Engine.Actors;

/// <summary>
/// The trainer slots of one node (<c>/user/trainers</c>): one <see cref="TrainerActor"/> per slot, each given the
/// node's fitness function (the dataset is loaded once per node), its name and its shutdown token. A run's slots
/// actor asks each trainer node's host for its slots, so a node with 1 slot and a node with 3 are both used fully.
/// It also deletes a run's rung checkpoints that can no longer be promoted (<see cref="DropCheckpoints"/>).
/// </summary>
public sealed class TrainerHostActor : ReceiveActor
{
    readonly ILoggingAdapter _log = Context.GetLogger();

    public const string Name = "trainers";

    /// <summary>The cluster role of nodes whose slots runs may borrow.</summary>
    public const string Role = "trainer";

    public TrainerHostActor(IFitnessFunction fitness, string nodeName, int slots, string? stateDirectory,
        CancellationToken shutdown)
    {
        var trainers = Enumerable.Range(1, slots)
            .Select(i => Context.ActorOf(TrainerActor.Props(fitness, nodeName, stateDirectory, shutdown), $"c{i}"))
            .ToArray();
        Receive<GetSlots>(_ => Sender.Tell(new SlotsOffered(trainers)));
        Receive<DropCheckpoints>(m =>
        {
            foreach (var kept in RunFiles.OnNode(stateDirectory, m.RunId)?.Checkpoints.DropBefore(m.Generation) ?? [])
                _log.Warning("Could not delete the checkpoints in {0} yet; the next generation tries again", kept);
        });
        Receive<DropCheckpoint>(m =>
        {
            if (RunFiles.OnNode(stateDirectory, m.RunId)?.Checkpoints.Drop(m.Generation, m.Genome) is { } kept)
                _log.Warning("Could not delete the checkpoint in {0}; the run's end tries again", kept);
        });
    }

    /// <summary>A trainer that crashes holds nothing worth keeping: restart it; its GenomeActor retries the genome.
    /// </summary>
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(_ => Directive.Restart);

    public static Props Props(IFitnessFunction fitness, string nodeName, int slots, string? stateDirectory,
        CancellationToken shutdown) =>
        Akka.Actor.Props.Create(() => new TrainerHostActor(fitness, nodeName, slots, stateDirectory, shutdown));
}
