using System.Globalization;
using System.Text.Json;
using ActorEvolve.Core.Fitness;

namespace ActorEvolve.Training.Tables;

/// <summary>A recorded learning curve, read from a table and replayed as a rung's training: what the table fitness
/// (and <c>bench cluster</c>'s recorded trainings) report for a budget of fewer epochs.</summary>
public static class RecordedCurve
{
    /// <summary>A learning curve (brute force records one for the MLP): two JSON arrays of the same length, the
    /// validation accuracy (in [0, 1]) and the finite validation loss of each epoch; both cells empty: none.</summary>
    /// <param name="accuracyColumn">The <c>accuracy_curve</c> column (negative: the table has none).</param>
    public static IReadOnlyList<EpochScore>? Read(CsvTableRow line, int accuracyColumn, int lossColumn)
    {
        if (accuracyColumn < 0 || (line[accuracyColumn] == "" && line[lossColumn] == "")) return null;
        var accuracies = Numbers(line, accuracyColumn);
        var losses = Numbers(line, lossColumn);
        if (accuracies.Length != losses.Length)
            throw line.Error(lossColumn, $"has {losses.Length} epochs, accuracy_curve {accuracies.Length}");
        if (accuracies.Any(a => a is < 0 or > 1 || !double.IsFinite(a)))
            throw line.Error(accuracyColumn, "holds a value outside [0, 1]");
        if (losses.Any(l => !double.IsFinite(l)))
            throw line.Error(lossColumn, "holds a loss that is not finite");
        return accuracies.Zip(losses, (a, l) => new EpochScore(a, l)).ToArray();
    }

    static double[] Numbers(CsvTableRow line, int column)
    {
        try
        {
            if (JsonSerializer.Deserialize<double[]>(line[column]) is { Length: > 0 } numbers) return numbers;
        }
        catch (JsonException)
        {
            // refused below, with the cell shown
        }
        throw line.Error(column, $"{CsvTableRow.Shown(line[column])} is not a learning curve: a JSON array of " +
                                 "numbers, one per epoch, e.g. [0.71,0.78,0.8]");
    }

    /// <summary>The curve cut at <paramref name="epochs"/>, early stopping replayed with the patience: what a training
    /// with that budget reported (the accuracy at the best loss and the epoch it was reached, the curve of the epochs
    /// trained). <paramref name="wholeTraining"/> stands for the whole recorded training: a rung waits its share of
    /// the curve's epochs, counted from the epoch its checkpoint holds; it leaves a checkpoint (a file naming the
    /// epoch) where the MLP would, unless it is the full budget <paramref name="maxEpochs"/>. The result says how many
    /// epochs the rung trained.</summary>
    public static FitnessResult Replay(IReadOnlyList<EpochScore> curve, int epochs, int maxEpochs, int? patience,
        TimeSpan wholeTraining, string? checkpoint, EvaluationContext context, CancellationToken cancellation)
    {
        var score = LearningCurve.At(curve, epochs, patience);
        var from = SavedEpoch(checkpoint) is var saved && saved <= epochs ? saved : 0;
        var waited = wholeTraining * Math.Max(0, score.Epochs - from) / curve.Count;
        if (waited > TimeSpan.Zero) Task.Delay(waited, cancellation).Wait(cancellation);
        if (checkpoint is not null && !score.Stopped && epochs < maxEpochs) SaveCheckpoint(checkpoint, epochs);
        var trained = curve.Take(score.Epochs).ToArray();
        var bestEpoch = Array.FindIndex(trained, s => s.Loss == score.Loss) + 1;
        return new FitnessResult(score.Accuracy, score.Loss, bestEpoch, waited.TotalSeconds, context.Trainer,
            Curve: trained, EpochsTrained: Math.Max(0, score.Epochs - from));
    }

    const string CheckpointFile = "table-checkpoint.txt";

    /// <summary>The epoch a checkpoint folder holds; 0 when none (or unreadable: a rung from scratch is the same).
    /// </summary>
    static int SavedEpoch(string? folder) =>
        folder is not null && File.Exists(Path.Combine(folder, CheckpointFile))
        && int.TryParse(File.ReadAllText(Path.Combine(folder, CheckpointFile)), CultureInfo.InvariantCulture,
            out var epoch) ? epoch : 0;

    static void SaveCheckpoint(string folder, int epoch)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, CheckpointFile), epoch.ToString(CultureInfo.InvariantCulture));
    }
}
