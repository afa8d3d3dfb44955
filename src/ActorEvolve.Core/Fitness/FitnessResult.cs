namespace ActorEvolve.Core.Fitness;

/// <summary>What one evaluation of a genome produced. A failed evaluation (diverged, crashed, timed out every
/// attempt) keeps the run going and ranks below every successful one. <paramref name="TestAccuracy"/> is only
/// measured where asked for (brute force records it per genome); selection never looks at it.
/// <paramref name="FinishedAt"/> is when the run received it (for the report's timeline), never used by the search.
/// <paramref name="Accuracy"/> is the value of the run's <see cref="Objective"/> metric (validation accuracy by
/// default); <paramref name="Metrics"/> holds everything the source measured, by name; <paramref name="Minimize"/>:
/// the objective is minimised; <paramref name="Curve"/>: the validation scores of every epoch, where the source
/// measured them (the MLP trainer), for multi-fidelity replays of a recorded grid. With rungs
/// (<see cref="Evolution.SuccessiveHalving"/>): <paramref name="Rung"/> is the rung the result was measured at and
/// <paramref name="Partial"/> says the genome was stopped there, short of its full budget, so it ranks below every
/// fully trained genome.</summary>
public sealed record FitnessResult(
    double Accuracy,
    double ValidationLoss,
    int Epochs,
    double Seconds,
    string Trainer,
    string? FailureReason = null,
    double? TestAccuracy = null,
    DateTimeOffset? FinishedAt = null,
    IReadOnlyDictionary<string, double>? Metrics = null,
    bool Minimize = false,
    IReadOnlyList<EpochScore>? Curve = null,
    int? Rung = null,
    bool Partial = false)
{
    public bool Failed => FailureReason is not null;

    /// <summary>The value selection ranks by.</summary>
    public double Score => Failed ? double.NegativeInfinity : Minimize ? -Accuracy : Accuracy;

    /// <summary>Training ended before <paramref name="epochs"/> (it failed, or early stopping ended it, its curve
    /// shorter than that): more epochs would change nothing.</summary>
    public bool StoppedBefore(int epochs) => Failed || Curve is { } curve && curve.Count < epochs;

    public static FitnessResult Failure(string reason, string trainer, double seconds = 0, int epochs = 0) =>
        new(0, double.NaN, epochs, seconds, trainer, reason);
}
