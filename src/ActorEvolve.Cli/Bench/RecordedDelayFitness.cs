using ActorEvolve.Core.Fitness;
using ActorEvolve.Core.Genes;
using ActorEvolve.Core.Randomness;
using ActorEvolve.Training.Tables;

namespace ActorEvolve.Cli.Bench;

/// <summary>The cluster bench's fitness: each genome is given one of a recorded grid's trainings, picked by the
/// genome's key, and waits its time (the <c>seconds</c> column) scaled so that their mean is
/// <paramref name="meanSeconds"/>: a realistic spread of short and long trainings, the same on every node. Without
/// learning curves the score is the zero-cost one of <see cref="HashFitness"/>. With them (a grid with
/// <c>accuracy_curve</c> and <c>loss_curve</c>, as brute records it) the score is the recorded curve's and the fitness
/// trains in rungs as the table fitness does (<see cref="RecordedCurve.Replay"/>): a rung waits its share of the
/// training's time.</summary>
public sealed class RecordedDelayFitness(IReadOnlyList<RecordedDelayFitness.Training> recorded, double meanSeconds)
    : IRungFitness
{
    /// <param name="Curve">Null: the grid has no learning curves.</param>
    public sealed record Training(double Seconds, IReadOnlyList<EpochScore>? Curve);

    readonly HashFitness _score = new();
    readonly double _scale = meanSeconds / recorded.Average(t => t.Seconds);

    /// <summary>The longest recorded curve; 0 when the grid has none (no rungs).</summary>
    public int MaxEpochs { get; } = recorded.All(t => t.Curve is not null) ? recorded.Max(t => t.Curve!.Count) : 0;

    public static IReadOnlyList<Training> Read(string grid)
    {
        var table = CsvTable.Read(grid, "recorded grid");
        var seconds = table.RequiredColumn("seconds", "each genome's training time");
        var (accuracies, losses) = (table.Column("accuracy_curve"), table.Column("loss_curve"));
        return table.Rows.Select(r => new Training(r.Number(seconds),
            accuracies >= 0 && losses >= 0 ? RecordedCurve.Read(r, accuracies, losses) : null)).ToArray();
    }

    (TimeSpan Time, IReadOnlyList<EpochScore>? Curve) Recorded(Genome genome)
    {
        var training = recorded[(int)(DeterministicRng.DeriveSeed(0, genome.Key) % (ulong)recorded.Count)];
        return (TimeSpan.FromSeconds(training.Seconds * _scale), training.Curve);
    }

    public FitnessResult Evaluate(Genome genome, EvaluationContext context, CancellationToken cancellation)
    {
        if (MaxEpochs > 0) return EvaluateUpTo(genome, MaxEpochs, null, context, cancellation);
        var (time, _) = Recorded(genome);
        Task.Delay(time, cancellation).Wait(cancellation);
        return _score.Evaluate(genome, context, cancellation) with { Seconds = time.TotalSeconds };
    }

    public FitnessResult EvaluateUpTo(Genome genome, int epochs, string? checkpoint, EvaluationContext context,
        CancellationToken cancellation)
    {
        var (time, curve) = Recorded(genome);
        if (curve is null) throw new EvaluationException("rungs need a grid with learning curves");
        return RecordedCurve.Replay(curve, epochs, MaxEpochs, patience: null, time, checkpoint, context, cancellation);
    }

    public FitnessResult? EvaluateOnTestSet(Genome genome, int epochs, EvaluationContext context, string? saveModelTo,
        CancellationToken cancellation) => null;
}
