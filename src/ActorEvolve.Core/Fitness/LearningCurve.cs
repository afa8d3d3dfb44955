namespace ActorEvolve.Core.Fitness;

/// <summary>What one epoch of training measured on the validation set.</summary>
public sealed record EpochScore(double Accuracy, double Loss);

/// <summary>A genome's validation scores epoch by epoch, as its training measured them: enough to tell what the
/// same training would have reported had it been given fewer epochs (training is deterministic per genome, so a
/// shorter budget is this curve's prefix).</summary>
public static class LearningCurve
{
    /// <summary>What a training with the budget's early-stopping rule reports after at most
    /// <paramref name="epochs"/> epochs: the accuracy at the best validation loss, and how many epochs it trained
    /// (fewer when patience ran out; <see cref="BudgetedScore.Stopped"/>: more epochs change nothing).
    /// </summary>
    public static BudgetedScore At(IReadOnlyList<EpochScore> curve, int epochs, int? patience)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(epochs, 1);
        if (curve.Count == 0) throw new ArgumentException("an empty learning curve", nameof(curve));
        var best = (Loss: double.PositiveInfinity, Accuracy: 0.0, Epoch: 0);
        for (var epoch = 1; epoch <= Math.Min(epochs, curve.Count); epoch++)
        {
            var score = curve[epoch - 1];
            if (score.Loss < best.Loss) best = (score.Loss, score.Accuracy, epoch);
            else if (patience is { } p && epoch - best.Epoch >= p)
                return new BudgetedScore(best.Accuracy, best.Loss, epoch, Stopped: true);
        }
        var trained = Math.Min(epochs, curve.Count);
        return new BudgetedScore(best.Accuracy, best.Loss, trained, Stopped: trained < epochs);
    }
}

/// <param name="Epochs">Epochs trained to reach this score.</param>
/// <param name="Stopped">Training ended before the budget (early stopping, or the curve's end).</param>
public sealed record BudgetedScore(double Accuracy, double Loss, int Epochs, bool Stopped);
