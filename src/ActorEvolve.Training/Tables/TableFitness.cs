using System.Globalization;
using ActorEvolve.Core.Fitness;
using ActorEvolve.Core.Genes;
using ActorEvolve.Training.Data;

namespace ActorEvolve.Training.Tables;

/// <summary>
/// Fitness looked up in a recorded table (CSV: one column per gene, named as in the search space, and a
/// <c>fitness</c> column; optionally <c>validation_loss</c>, <c>test_accuracy</c> and <c>status</c>, where
/// "failed" marks a genome that failed to train; brute force's grid.csv is such a table) instead of trained: for
/// benchmarking the search on a known landscape, and for testing the engine cheaply. An optional delay per
/// evaluation stands in for training time.
/// </summary>
public sealed class TableFitness : IFitnessFunction
{
    readonly Dictionary<string, (double Fitness, double Loss, double? Test, bool Failed)> _rows = new(StringComparer.Ordinal);
    readonly TimeSpan _delay;

    public TableFitness(string path, SearchSpace space, TimeSpan delay)
    {
        _delay = delay;
        if (!File.Exists(path)) throw new DatasetException($"{path}: fitness table not found");
        var lines = File.ReadAllLines(path).Where(l => l.Trim() != "").ToArray();
        if (lines.Length < 2) throw new DatasetException($"{path}: the fitness table has no rows");
        var header = lines[0].Split(',').Select(h => h.Trim()).ToArray();
        int Column(string name) => Array.IndexOf(header, name);
        var geneColumns = space.Genes.Select(g => (g.Name, Index: Column(g.Name))).ToArray();
        var missing = geneColumns.FirstOrDefault(g => g.Index < 0);
        if (missing.Name is not null) throw new DatasetException($"{path}: no column for gene '{missing.Name}'");
        var fitness = Column("fitness") is >= 0 and var f ? f : throw new DatasetException($"{path}: no 'fitness' column");
        var (loss, test, status) = (Column("validation_loss"), Column("test_accuracy"), Column("status"));

        for (var i = 1; i < lines.Length; i++)
        {
            var cells = lines[i].Split(',');
            if (cells.Length != header.Length) throw new DatasetException($"{path}:{i + 1}: expected {header.Length} cells, found {cells.Length}");
            var genome = new Genome(geneColumns.Select(g => KeyValuePair.Create(g.Name, cells[g.Index].Trim())));
            _rows[genome.Key] = (Number(cells[fitness], path, i), loss >= 0 ? Number(cells[loss], path, i) : double.NaN,
                test >= 0 && cells[test].Trim() != "" ? Number(cells[test], path, i) : null,
                status >= 0 && cells[status].Trim() == "failed");
        }
    }

    static double Number(string cell, string path, int line) =>
        double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var v)
            ? v : throw new DatasetException($"{path}:{line + 1}: '{cell}' is not a number");

    public int Count => _rows.Count;

    public FitnessResult Evaluate(Genome genome, EvaluationContext context, CancellationToken cancellation)
    {
        if (_delay > TimeSpan.Zero) Task.Delay(_delay, cancellation).Wait(cancellation);
        if (!_rows.TryGetValue(genome.Key, out var row)) return FitnessResult.Failure("genome not in the fitness table", context.Trainer);
        return row.Failed
            ? FitnessResult.Failure("failed when the table was recorded", context.Trainer, _delay.TotalSeconds)
            : new FitnessResult(row.Fitness, row.Loss, 1, _delay.TotalSeconds, context.Trainer, TestAccuracy: row.Test);
    }

    public FitnessResult? EvaluateOnTestSet(Genome genome, int epochs, EvaluationContext context, string? saveModelTo,
        CancellationToken cancellation) =>
        _rows.TryGetValue(genome.Key, out var row) && row.Test is { } test
            ? new FitnessResult(test, double.NaN, epochs, 0, context.Trainer)
            : null;
}
