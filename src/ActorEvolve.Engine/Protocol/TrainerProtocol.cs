using Akka.Actor;
using ActorEvolve.Core.Fitness;
using ActorEvolve.Core.Genes;

namespace ActorEvolve.Engine.Protocol;

/// <summary>The messages that cross nodes between a run and its trainers, serialized by
/// <see cref="Cluster.TrainerProtocolSerializer"/> (never by reflection over type names).</summary>
public interface ITrainerMessage;

/// <summary>Train one genome: for fitness (validation set), or as the final winner (test set); with
/// <paramref name="Rung"/>, only up to a rung's budget.</summary>
public sealed record EvaluateGenome(long RunSeed, Genome Genome, int Attempt, FinalEvaluation? Final = null,
    string RunId = "", RungBudget? Rung = null) : ITrainerMessage;

/// <summary>Train up to <paramref name="Epochs"/> (a rung of generation <paramref name="Generation"/>), going on from
/// the genome's checkpoint if this node holds one and leaving one for the next rung. The trainer keeps checkpoints in
/// its own state folder, by run, generation and genome: the wire names no path.</summary>
public sealed record RungBudget(int Generation, int Epochs);

/// <summary>Run → every trainer node: the run's checkpoints of generations before <paramref name="Generation"/> can
/// no longer be promoted; delete them.</summary>
public sealed record DropCheckpoints(string RunId, int Generation) : ITrainerMessage;

/// <summary>Run → every trainer node: genome <paramref name="Genome"/>'s checkpoint of generation
/// <paramref name="Generation"/> can no longer be promoted (a steady-state run's genome was fully trained or
/// stopped); delete it.</summary>
public sealed record DropCheckpoint(string RunId, int Generation, string Genome) : ITrainerMessage;

/// <summary>Asks for the winner's retraining on all non-test data, its test score and, with
/// <paramref name="SaveModel"/>, its model saved where the trainer's own node keeps the run's files (never a path
/// from the wire).</summary>
public sealed record FinalEvaluation(int Epochs, bool SaveModel);

public sealed record GenomeEvaluated(string GenomeKey, int Attempt, FitnessResult Result) : ITrainerMessage;

/// <summary>The evaluation threw (a bug, out of memory, a missing file): the asker may retry elsewhere.</summary>
public sealed record EvaluationFailed(string GenomeKey, int Attempt, string Reason) : ITrainerMessage;

/// <summary>GenomeActor → trainer: drop this attempt (it timed out, is being retried, or its run stopped). The
/// trainer cancels the training and answers nothing; the asker has already given the slot back.</summary>
public sealed record CancelEvaluation(string GenomeKey, int Attempt) : ITrainerMessage;

/// <summary>Sent to the asking GenomeActor after each epoch (wherever it runs), which publishes it on the run's event
/// stream for live views.</summary>
public sealed record TrainingProgress(string Trainer, string GenomeKey, int Epoch, double ValidationAccuracy)
    : ITrainerMessage;

/// <summary>Slots actor → a node's trainer host: which trainer slots do you have?</summary>
public sealed record GetSlots : ITrainerMessage
{
    public static readonly GetSlots Instance = new();
}

/// <summary>Trainer host → slots actor: these are my slots, each trains one genome at a time.</summary>
public sealed record SlotsOffered(IReadOnlyList<IActorRef> Slots) : ITrainerMessage;
