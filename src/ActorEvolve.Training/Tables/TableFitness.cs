using System.Globalization;
using System.Text.Json;
using ActorEvolve.Core.Fitness;
using ActorEvolve.Core.Genes;
using ActorEvolve.Training.Data;

namespace ActorEvolve.Training.Tables;

/// <summary>
/// Fitness looked up in a recorded table (CSV: one column per gene, named as in the search space, and a
/// <c>fitness</c> column; optionally <c>validation_loss</c>, <c>test_accuracy</c>, <c>status</c>, where
/// "failed" marks a genome that failed to train, and a learning curve; brute force's grid.csv is such a table)
/// instead of trained: for benchmarking the search on a known landscape, and for testing the engine cheaply. An
/// optional delay per evaluation stands in for training time.
/// The table is checked whole before a run starts, and refused with one line naming the file, line and column: a
/// fitness or test accuracy that is not a finite number in [0, 1] (a percentage such as 85.3 included), a loss that
/// is not finite, an unknown status, a genome listed twice with different values, and a table that does not cover
/// the search space (every genome a search may draw must be in it, or most evaluations would fail).
/// Every further column that holds a finite number on each row that did not fail (e.g. <c>parameters</c>, for a
/// second objective) is reported as a metric of that name; other further columns are notes, ignored as before.
/// </summary>
public sealed class TableFitness : IFitnessFunction
{
    sealed record Row(double Fitness, double Loss, double? Test, bool Failed, IReadOnlyList<EpochScore>? Curve,
        double[] Metrics)
    {
        public bool Equals(Row? other) => other is not null && (Fitness, Loss, Test, Failed)
            .Equals((other.Fitness, other.Loss, other.Test, other.Failed))
            && (Curve ?? []).SequenceEqual(other.Curve ?? []) && Metrics.SequenceEqual(other.Metrics);

        public override int GetHashCode() => HashCode.Combine(Fitness, Loss, Test, Failed);
    }

    readonly Dictionary<string, Row> _rows = new(StringComparer.Ordinal);
    readonly TimeSpan _delay;

    readonly string[] _metrics;

    /// <summary>Columns besides genes that are not further metrics: brute force's grid.csv writes them all, and
    /// accuracy is the <c>fitness</c> column.</summary>
    static readonly string[] Recorded =
        ["fitness", "validation_loss", "test_accuracy", "status", "epochs", "seconds", "accuracy_curve", "loss_curve",
            Objective.DefaultMetric];

    public TableFitness(string path, SearchSpace space, TimeSpan delay)
    {
        _delay = delay;
        var table = CsvTable.Read(path, "fitness table");
        if (table.Rows.Count == 0) throw new DatasetException($"{path}: the fitness table has no rows");
        if (space.Size is null)
            throw new DatasetException($"{path}: a fitness table scores only a finite search space (no float ranges)");
        var genes = space.Genes.Select(g => (g.Name, Index: table.RequiredColumn(g.Name, "a gene of the search space")))
            .ToArray();
        var status = table.Column("status");
        var metricColumns = Enumerable.Range(0, table.Header.Count)
            .Where(c => !Recorded.Contains(table.Header[c]) && space.Genes.All(g => g.Name != table.Header[c]))
            .Where(c => table.Rows.All(line => status >= 0 && line[status] == "failed" || IsNumber(line[c])))
            .ToArray();
        _metrics = metricColumns.Select(c => table.Header[c]).ToArray();
        var columns = new Columns(table.RequiredColumn("fitness", "the score of each genome"),
            table.Column("validation_loss"), table.Column("test_accuracy"), status,
            table.Column("accuracy_curve"), table.Column("loss_curve"), metricColumns);
        if ((columns.AccuracyCurve < 0) != (columns.LossCurve < 0))
            throw new DatasetException($"{path}: a learning curve needs both columns, accuracy_curve and loss_curve");
        var lines = new Dictionary<string, int>(StringComparer.Ordinal);
        var covered = 0L;
        foreach (var line in table.Rows)
        {
            var genome = new Genome(genes.Select(g => KeyValuePair.Create(g.Name, line[g.Index])));
            var row = Read(line, columns);
            if (_rows.TryGetValue(genome.Key, out var earlier))
            {
                if (earlier == row) continue; // the same row twice says nothing new
                throw new DatasetException($"{path}:{line.Line}: genome {CsvTableRow.Shown(genome.Key, 200)} is " +
                                           $"also on line {lines[genome.Key]} with other values; which one is right?");
            }
            _rows[genome.Key] = row;
            lines[genome.Key] = line.Line;
            if (space.Genes.All(g => g.Contains(genome.Get(g.Name)))) covered++;
        }
        RefuseGaps(path, space, covered);
    }

    readonly record struct Columns(int Fitness, int Loss, int Test, int Status, int AccuracyCurve, int LossCurve,
        int[] Metrics);

    static Row Read(CsvTableRow line, Columns columns)
    {
        var status = columns.Status >= 0 ? line[columns.Status] : "";
        if (status is not ("" or "ok" or "failed"))
            throw line.Error(columns.Status, $"{CsvTableRow.Shown(status)} is not a status (ok or failed)");
        // A failed genome's numbers are what the run wrote for a failure (0, NaN): nothing to check.
        if (status == "failed") return new Row(0, double.NaN, null, true, null, []);
        var loss = columns.Loss >= 0 ? line.Number(columns.Loss) : double.NaN;
        if (columns.Loss >= 0 && !double.IsFinite(loss))
            throw line.Error(columns.Loss, $"{CsvTableRow.Shown(line[columns.Loss])} is not a finite loss " +
                                           "(mark a genome that failed to train with status = failed)");
        double? test = columns.Test >= 0 && line[columns.Test] != "" ? Accuracy(line, columns.Test) : null;
        return new Row(Accuracy(line, columns.Fitness), loss, test, false, Curve(line, columns),
            [.. columns.Metrics.Select(line.Number)]);
    }

    static bool IsNumber(string cell) =>
        double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
        && double.IsFinite(value);

    /// <summary>What every successful result reports: accuracy (the <c>fitness</c> column) and the table's further
    /// columns of numbers.</summary>
    public IReadOnlyList<string> Metrics => [Objective.DefaultMetric, .. _metrics];

    /// <summary>A learning curve (brute force records one for the MLP): two JSON arrays of the same length, the
    /// validation accuracy (in [0, 1]) and the finite validation loss of each epoch; both cells empty: none.</summary>
    static IReadOnlyList<EpochScore>? Curve(CsvTableRow line, Columns columns)
    {
        if (columns.AccuracyCurve < 0 || (line[columns.AccuracyCurve] == "" && line[columns.LossCurve] == ""))
            return null;
        var accuracies = Numbers(line, columns.AccuracyCurve);
        var losses = Numbers(line, columns.LossCurve);
        if (accuracies.Length != losses.Length)
            throw line.Error(columns.LossCurve, $"has {losses.Length} epochs, accuracy_curve {accuracies.Length}");
        if (accuracies.Any(a => a is < 0 or > 1 || !double.IsFinite(a)))
            throw line.Error(columns.AccuracyCurve, "holds a value outside [0, 1]");
        if (losses.Any(l => !double.IsFinite(l)))
            throw line.Error(columns.LossCurve, "holds a loss that is not finite");
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

    /// <summary>An accuracy: a finite fraction in [0, 1], not a percentage.</summary>
    static double Accuracy(CsvTableRow line, int column)
    {
        var cell = line[column];
        if (cell.EndsWith('%'))
            throw line.Error(column, $"{CsvTableRow.Shown(cell)} is a percentage; write accuracies as fractions in " +
                                     "[0, 1] (0.853, not 85.3%)");
        var value = line.Number(column);
        if (!double.IsFinite(value))
            throw line.Error(column, $"{CsvTableRow.Shown(cell)} is not an accuracy in [0, 1] " +
                                     "(mark a genome that failed to train with status = failed)");
        if (value is >= 0 and <= 1) return value;
        var percentage = value is > 1 and <= 100
            ? $" (a percentage? write accuracies as fractions: {(value / 100).ToString(CultureInfo.InvariantCulture)})"
            : "";
        throw line.Error(column, $"{cell} is outside [0, 1]{percentage}");
    }

    /// <summary>Every genome the search may draw must be in the table: a run where most evaluations fail for a
    /// missing row says nothing useful, so a partial table is refused before anything starts.</summary>
    void RefuseGaps(string path, SearchSpace space, long covered)
    {
        var size = space.Size!.Value;
        if (covered == size) return;
        var missing = space.Enumerate().First(g => !_rows.ContainsKey(g.Key));
        throw new DatasetException($"{path}: covers {covered:N0} of the search space's {size:N0} genomes (missing " +
                                   $"e.g. {CsvTableRow.Shown(missing.Key, 200)}): record them all (actorevolve " +
                                   "brute) or narrow actorevolve.search-space to what the table holds");
    }

    public int Count => _rows.Count;

    public FitnessResult Evaluate(Genome genome, EvaluationContext context, CancellationToken cancellation)
    {
        if (_delay > TimeSpan.Zero) Task.Delay(_delay, cancellation).Wait(cancellation);
        if (!_rows.TryGetValue(genome.Key, out var row))
            return FitnessResult.Failure("genome not in the fitness table", context.Trainer);
        return row.Failed
            ? FitnessResult.Failure("failed when the table was recorded", context.Trainer, _delay.TotalSeconds)
            : new FitnessResult(row.Fitness, row.Loss, 1, _delay.TotalSeconds, context.Trainer, TestAccuracy: row.Test,
                Curve: row.Curve, Metrics: _metrics.Length == 0 ? null : _metrics.Zip(row.Metrics).ToDictionary());
    }

    public FitnessResult? EvaluateOnTestSet(Genome genome, int epochs, EvaluationContext context, string? saveModelTo,
        CancellationToken cancellation) =>
        _rows.TryGetValue(genome.Key, out var row) && row.Test is { } test
            ? new FitnessResult(test, double.NaN, epochs, 0, context.Trainer)
            : null;
}
