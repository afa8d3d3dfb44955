using System.Globalization;
using ActorEvolve.Core.Randomness;
using ActorEvolve.Training.Tables;

namespace ActorEvolve.Training.Data;

/// <summary>
/// A user's table as a classification dataset (<c>--dataset csv:FILE --target COLUMN</c>): every other column is a
/// numeric feature; the target's distinct values are the classes, numbered in sorted order (numerically when they
/// are all numbers). The test set is <paramref name="testPath"/>, or else a seeded share of the rows
/// (<paramref name="testShare"/>, by the split seed). Training and validation samples are carved as for the image
/// datasets; features are standardised with the mean and standard deviation of the training samples only (a
/// constant feature is only centred). Bad tables are refused in one line naming the file, line and column.
/// </summary>
public sealed class CsvDataset(string path, string target, string? testPath, double testShare) : IDataset
{
    public const string Prefix = "csv:";

    public string Name => Prefix + path;

    public Task<DatasetSplits> LoadAsync(TrainingBudget budget, long splitSeed, CancellationToken cancellation) =>
        Task.FromResult(Load(budget, splitSeed));

    public DatasetSplits Load(TrainingBudget budget, long splitSeed)
    {
        var table = Read(path, "data table");
        if (target == "") throw new DatasetException($"{path}: name the class column with --target COLUMN");
        var targetColumn = table.RequiredColumn(target, "the class column named by --target");
        var features = Enumerable.Range(0, table.Header.Count).Where(c => c != targetColumn).ToArray();
        if (features.Length == 0) throw new DatasetException($"{path}: no feature columns besides '{target}'");

        var classes = Classes(table, targetColumn);
        var all = Samples(table.Rows, features, targetColumn, classes);
        ImageDataset train = all, test;
        if (testPath is not null)
        {
            var testTable = Read(testPath, "test table");
            if (!testTable.Header.SequenceEqual(table.Header))
                throw new DatasetException($"{testPath}: its columns ({string.Join(", ", testTable.Header)}) are not " +
                                           $"those of {Path.GetFileName(path)} ({string.Join(", ", table.Header)})");
            test = Samples(testTable.Rows, features, targetColumn, classes);
        }
        else (train, test) = CarveTest(all, splitSeed);

        var splits = DatasetSplits.Split(Name, train, test, classes.Count, budget, splitSeed);
        var (mean, std) = Moments(splits.Train);
        return new DatasetSplits(splits.Train.Standardised(mean, std), splits.Validation.Standardised(mean, std),
            splits.FullTrain.Standardised(mean, std), splits.Test.Standardised(mean, std), classes.Count);
    }

    static CsvTable Read(string file, string what)
    {
        var table = CsvTable.Read(file, what);
        return table.Rows.Count > 0 ? table : throw new DatasetException($"{file}: the {what} has no rows");
    }

    (ImageDataset Train, ImageDataset Test) CarveTest(ImageDataset all, long splitSeed)
    {
        var count = all.Count;
        var testCount = (int)Math.Round(count * testShare, MidpointRounding.AwayFromZero);
        if (testCount < 1 || testCount >= count)
            throw new DatasetException($"{path}: {count:N0} rows cannot give a test share of {testShare} (at least " +
                                       "one row for testing and the rest for training); pass --test-data FILE");
        var order = DeterministicRng.Derive(splitSeed, "csv-test-split").Permutation(count);
        return (all.Select(order[testCount..].Order().ToArray()), all.Select(order[..testCount].Order().ToArray()));
    }

    /// <summary>The class of each target value: its index among the table's sorted distinct values.</summary>
    Dictionary<string, int> Classes(CsvTable table, int targetColumn)
    {
        var values = table.Rows.Select(r => r[targetColumn]).Distinct(StringComparer.Ordinal).ToArray();
        var numeric = values.All(v => double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out _));
        var sorted = numeric
            ? values.OrderBy(v => double.Parse(v, CultureInfo.InvariantCulture)).ThenBy(v => v, StringComparer.Ordinal)
            : values.Order(StringComparer.Ordinal);
        var classes = sorted.Select((v, i) => (v, i)).ToDictionary(x => x.v, x => x.i, StringComparer.Ordinal);
        return classes.Count >= 2 ? classes
            : throw new DatasetException($"{path}: column '{target}' has one class only " +
                                         $"({CsvTableRow.Shown(values[0])}): there is nothing to tell apart");
    }

    static ImageDataset Samples(IReadOnlyList<CsvTableRow> rows, int[] features, int targetColumn,
        Dictionary<string, int> classes)
    {
        var values = new float[rows.Count * features.Length];
        var labels = new long[rows.Count];
        for (var r = 0; r < rows.Count; r++)
        {
            var row = rows[r];
            labels[r] = classes.TryGetValue(row[targetColumn], out var label) ? label
                : throw row.Error(targetColumn, $"class {CsvTableRow.Shown(row[targetColumn])} is not in the " +
                                                "training data");
            for (var f = 0; f < features.Length; f++)
            {
                var value = row.Number(features[f]);
                values[r * features.Length + f] = double.IsFinite(value) && Math.Abs(value) <= float.MaxValue
                    ? (float)value
                    : throw row.Error(features[f], $"{CsvTableRow.Shown(row[features[f]])} is not a finite number");
            }
        }
        return new ImageDataset(values, labels, features.Length);
    }

    static (double[] Mean, double[] Std) Moments(ImageDataset data)
    {
        var (n, width) = (data.Count, data.FeatureCount);
        var mean = new double[width];
        var std = new double[width];
        for (var i = 0; i < data.Features.Length; i++) mean[i % width] += data.Features[i] / (double)n;
        for (var i = 0; i < data.Features.Length; i++)
        {
            var d = data.Features[i] - mean[i % width];
            std[i % width] += d * d / n;
        }
        for (var f = 0; f < width; f++) std[f] = std[f] > 0 ? Math.Sqrt(std[f]) : 1;
        return (mean, std);
    }
}
