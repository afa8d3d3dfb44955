using System.Globalization;
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
/// A table whose every genome that trained has a learning curve trains in rungs (<see cref="IRungFitness"/>): a
/// rung's result is the curve cut at its budget, replaying early stopping with a patience.
/// The table is checked whole before a run starts, and refused with one line naming the file, line and column: a
/// fitness or test accuracy that is not a finite number in [0, 1] (a percentage such as 85.3 included), a loss that
/// is not finite, an unknown status, a genome listed twice with different values, and a table that does not cover
/// the search space (every genome a search may draw must be in it, or most evaluations would fail).
/// Every further column that holds a finite number on each row that did not fail (e.g. <c>parameters</c>, for a
/// second objective) is reported as a metric of that name; other further columns are notes, ignored as before.
/// </summary>
public sealed class TableFitness : IRungFitness
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
    readonly int? _patience;

    readonly string[] _metrics;

    /// <summary>Columns besides genes that are not further metrics: brute force's grid.csv writes them all, and
    /// accuracy is the <c>fitness</c> column.</summary>
    static readonly string[] Recorded =
        ["fitness", "validation_loss", "test_accuracy", "status", "epochs", "seconds", "accuracy_curve", "loss_curve",
            Objective.DefaultMetric];

    /// <param name="patience">For rungs: the early stopping replayed on the learning curves (null: none, a curve
    /// ends where its recording stopped).</param>
    public TableFitness(string path, SearchSpace space, TimeSpan delay, int? patience = null)
    {
        if (patience < 1) throw new ArgumentOutOfRangeException(nameof(patience), "patience must be at least 1");
        _delay = delay;
        _patience = patience;
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
        if (columns.AccuracyCurve < 0)
            WithoutCurves = $"{path}: no learning curves (columns accuracy_curve and loss_curve, as actorevolve " +
                            "brute records them)";
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
            if (row is { Failed: false, Curve: null })
                WithoutCurves ??=
                    $"{path}:{line.Line}: genome {CsvTableRow.Shown(genome.Key, 200)} has no learning curve";
            if (space.Genes.All(g => g.Contains(genome.Get(g.Name)))) covered++;
        }
        RefuseGaps(path, space, covered);
        var curves = _rows.Values.Where(r => r.Curve is not null).ToArray();
        WithoutCurves ??= curves.Length == 0 ? $"{path}: no genome has a learning curve" : null;
        MaxEpochs = WithoutCurves is null ? curves.Max(r => r.Curve!.Count) : 0;
    }

    /// <summary>Why the table cannot train in rungs (a genome that trained without a learning curve), or null.
    /// </summary>
    public string? WithoutCurves { get; }

    /// <summary>The longest learning curve; 0 when the table cannot train in rungs.</summary>
    public int MaxEpochs { get; }

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
        return new Row(Accuracy(line, columns.Fitness), loss, test, false,
            RecordedCurve.Read(line, columns.AccuracyCurve, columns.LossCurve),
            [.. columns.Metrics.Select(line.Number)]);
    }

    static bool IsNumber(string cell) =>
        double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
        && double.IsFinite(value);

    /// <summary>What every successful result reports: accuracy (the <c>fitness</c> column) and the table's further
    /// columns of numbers.</summary>
    public IReadOnlyList<string> Metrics => [Objective.DefaultMetric, .. _metrics];

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
        return Unscored(genome, context, _delay.TotalSeconds, out var row)
               ?? new FitnessResult(row!.Fitness, row.Loss, 1, _delay.TotalSeconds, context.Trainer,
                   TestAccuracy: row.Test, Curve: row.Curve, Metrics: MetricsOf(row));
    }

    /// <summary>The failure of a genome the table does not score (missing, or failed when recorded), else null
    /// and its row.</summary>
    FitnessResult? Unscored(Genome genome, EvaluationContext context, double seconds, out Row? row)
    {
        if (!_rows.TryGetValue(genome.Key, out row))
            return FitnessResult.Failure("genome not in the fitness table", context.Trainer);
        return row.Failed
            ? FitnessResult.Failure("failed when the table was recorded", context.Trainer, seconds)
            : null;
    }

    /// <summary>The genome's learning curve replayed to <paramref name="epochs"/> (<see cref="RecordedCurve.Replay"/>,
    /// the delay standing for a whole training). The recorded test accuracy comes only with the whole recorded
    /// training.</summary>
    public FitnessResult EvaluateUpTo(Genome genome, int epochs, string? checkpoint, EvaluationContext context,
        CancellationToken cancellation)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(epochs, 1);
        if (WithoutCurves is not null) throw new EvaluationException($"rungs need learning curves: {WithoutCurves}");
        ArgumentOutOfRangeException.ThrowIfGreaterThan(epochs, MaxEpochs);
        if (Unscored(genome, context, 0, out var row) is { } failure) return failure; // a failure costs no wait
        var result = RecordedCurve.Replay(row!.Curve!, epochs, MaxEpochs, _patience, _delay, checkpoint, context,
            cancellation);
        return result with
        {
            TestAccuracy = result.Curve!.Count == row.Curve!.Count ? row.Test : null, Metrics = MetricsOf(row),
        };
    }

    IReadOnlyDictionary<string, double>? MetricsOf(Row row) =>
        _metrics.Length == 0 ? null : _metrics.Zip(row.Metrics).ToDictionary();

    public FitnessResult? EvaluateOnTestSet(Genome genome, int epochs, EvaluationContext context, string? saveModelTo,
        CancellationToken cancellation) =>
        _rows.TryGetValue(genome.Key, out var row) && row.Test is { } test
            ? new FitnessResult(test, double.NaN, epochs, 0, context.Trainer)
            : null;
}
