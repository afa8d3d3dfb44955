namespace ActorEvolve.Core.Fitness;

/// <summary>What one evaluation of a genome produced. A failed evaluation (diverged, crashed, timed out every
/// attempt) keeps the run going and ranks below every successful one. <paramref name="TestAccuracy"/> is only
/// measured where asked for (brute force records it per genome); selection never looks at it. <paramref name="FinishedAt"/>
/// is when the run received it (for the report's timeline), never used by the search.</summary>
public sealed record FitnessResult(
    double Accuracy,
    double ValidationLoss,
    int Epochs,
    double Seconds,
    string Trainer,
    string? FailureReason = null,
    double? TestAccuracy = null,
    DateTimeOffset? FinishedAt = null)
{
    public bool Failed => FailureReason is not null;

    /// <summary>The value selection ranks by.</summary>
    public double Score => Failed ? double.NegativeInfinity : Accuracy;

    public static FitnessResult Failure(string reason, string trainer, double seconds = 0, int epochs = 0) =>
        new(0, double.NaN, epochs, seconds, trainer, reason);
}
