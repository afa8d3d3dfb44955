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
/// fully trained genome. <paramref name="EpochsTrained"/>: the epochs of training this result cost, where that is not
/// its curve's length: a rung trial's own (none before its checkpoint, all of them when it retrained from scratch),
/// a rung run's child's every trial's in its generation (promotions that fell out of the next rung included).
/// </summary>
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
    bool Partial = false,
    int? EpochsTrained = null)
{
    public bool Failed => FailureReason is not null;

    /// <summary>The epoch its training reached: its curve's length where measured (the epoch it reports is the one
    /// with the best validation loss, before early stopping's patience ran out), else its epochs.</summary>
    public int EpochsReached => Curve?.Count ?? Epochs;

    /// <summary>The epochs of training it cost: as it says, else those from <paramref name="from"/> to where it
    /// reached.</summary>
    public int EpochsSince(int from) => EpochsTrained ?? Math.Max(0, EpochsReached - from);

    /// <summary>The value selection ranks by.</summary>
    public double Score => Failed ? double.NegativeInfinity : Minimize ? -Accuracy : Accuracy;

    /// <summary>Training ended before <paramref name="epochs"/> (it failed, or early stopping ended it, its curve
    /// shorter than that): more epochs would change nothing.</summary>
    public bool StoppedBefore(int epochs) => Failed || Curve is { } curve && curve.Count < epochs;

    public static FitnessResult Failure(string reason, string trainer, double seconds = 0, int epochs = 0) =>
        new(0, double.NaN, epochs, seconds, trainer, reason);
}
