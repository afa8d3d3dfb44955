using ActorEvolve.Core.Genes;

namespace ActorEvolve.Core.Fitness;

/// <summary>Evaluates a genome. Implementations block (training) and must be safe to call from several threads
/// at once, one call per trainer slot.</summary>
public interface IFitnessFunction
{
    FitnessResult Evaluate(Genome genome, EvaluationContext context, CancellationToken cancellation);

    /// <summary>Retrains the winner on all non-test data for <paramref name="epochs"/> epochs and scores it on the
    /// test set, which the search never saw; saves the model when <paramref name="saveModelTo"/> is given.
    /// Returns null when this fitness source has no test set (e.g. a recorded table).</summary>
    FitnessResult? EvaluateOnTestSet(Genome genome, int epochs, EvaluationContext context, string? saveModelTo,
        CancellationToken cancellation);
}

/// <summary>A fitness that can train a genome part of its budget (a rung of <see cref="Evolution.SuccessiveHalving"/>)
/// and go on later from where it stopped. Training is deterministic per genome, so continuing from a checkpoint and
/// training from scratch to the same epoch give the same result.</summary>
public interface IRungFitness : IFitnessFunction
{
    /// <summary>The full budget in epochs: the last rung must be this.</summary>
    int MaxEpochs { get; }

    /// <summary>Trains <paramref name="genome"/> for up to <paramref name="epochs"/> epochs, continuing from the
    /// checkpoint in folder <paramref name="checkpoint"/> when it holds one (at no more than that many epochs) and
    /// leaving one there for the next rung; null: from scratch, nothing left. The result's
    /// <see cref="FitnessResult.Curve"/> holds every epoch trained, so a shorter curve says training stopped early
    /// (<see cref="FitnessResult.StoppedBefore"/>).</summary>
    FitnessResult EvaluateUpTo(Genome genome, int epochs, string? checkpoint, EvaluationContext context,
        CancellationToken cancellation);
}

/// <param name="RunSeed">Training randomness (weights, shuffling, dropout) derives from this and the genome.</param>
/// <param name="Trainer">Who is evaluating, recorded with the result.</param>
/// <param name="Progress">Called after each epoch (epoch number, validation accuracy) for live views.</param>
/// <param name="RunId">The run asking, for fitness sources that tell their own programs.</param>
/// <param name="Attempt">1 for the first try at this genome, then one more for each further try: a retry after a
/// failed attempt, or a backup started elsewhere while an earlier try's node is unreachable (both may run at once).
/// </param>
/// <param name="Log">Where output meant for the node's log goes (an <c>exec:</c> program's non-JSON lines).</param>
public sealed record EvaluationContext(long RunSeed, string Trainer, Action<int, double>? Progress = null,
    string RunId = "", int Attempt = 1, Action<string>? Log = null);

/// <summary>An attempt that failed for a reason worth retrying on another slot (a crashed program, no answer in
/// time); its message is the reason the run records, in one line.</summary>
public class EvaluationException(string message) : Exception(message);
