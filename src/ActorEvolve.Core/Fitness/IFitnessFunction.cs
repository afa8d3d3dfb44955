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

/// <param name="RunSeed">Training randomness (weights, shuffling, dropout) derives from this and the genome.</param>
/// <param name="Trainer">Who is evaluating, recorded with the result.</param>
/// <param name="Progress">Called after each epoch (epoch number, validation accuracy) for live views.</param>
/// <param name="RunId">The run asking, for fitness sources that tell their own programs.</param>
/// <param name="Attempt">1 for the first try at this genome, 2 after one failed attempt, and so on.</param>
/// <param name="Log">Where output meant for the node's log goes (an <c>exec:</c> program's non-JSON lines).</param>
public sealed record EvaluationContext(long RunSeed, string Trainer, Action<int, double>? Progress = null,
    string RunId = "", int Attempt = 1, Action<string>? Log = null);

/// <summary>An attempt that failed for a reason worth retrying on another slot (a crashed program, no answer in
/// time); its message is the reason the run records, in one line.</summary>
public class EvaluationException(string message) : Exception(message);
