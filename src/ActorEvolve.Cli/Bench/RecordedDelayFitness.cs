using ActorEvolve.Core.Fitness;
using ActorEvolve.Core.Genes;
using ActorEvolve.Core.Randomness;
using ActorEvolve.Training.Tables;

namespace ActorEvolve.Cli.Bench;

/// <summary>The cluster bench's fitness: the zero-cost score of <see cref="HashFitness"/>, after a delay that stands
/// in for training. Each genome's delay is one of a recorded grid's training times (its <c>seconds</c> column), picked
/// by the genome's key and scaled so that their mean is <paramref name="meanSeconds"/>: a realistic spread of
/// short and long trainings, the same on every node.</summary>
public sealed class RecordedDelayFitness(IReadOnlyList<double> recordedSeconds, double meanSeconds) : IFitnessFunction
{
    readonly HashFitness _score = new();
    readonly double _scale = meanSeconds / recordedSeconds.Average();

    public static IReadOnlyList<double> ReadSeconds(string grid)
    {
        var table = CsvTable.Read(grid, "recorded grid");
        var column = table.RequiredColumn("seconds", "each genome's training time");
        return table.Rows.Select(r => r.Number(column)).ToArray();
    }

    public FitnessResult Evaluate(Genome genome, EvaluationContext context, CancellationToken cancellation)
    {
        var pick = (int)(DeterministicRng.DeriveSeed(0, genome.Key) % (ulong)recordedSeconds.Count);
        var delay = TimeSpan.FromSeconds(recordedSeconds[pick] * _scale);
        Task.Delay(delay, cancellation).Wait(cancellation);
        return _score.Evaluate(genome, context, cancellation) with { Seconds = delay.TotalSeconds };
    }

    public FitnessResult? EvaluateOnTestSet(Genome genome, int epochs, EvaluationContext context, string? saveModelTo,
        CancellationToken cancellation) => null;
}
