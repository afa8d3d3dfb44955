using ActorEvolve.Core.Fitness;
using ActorEvolve.Core.Genes;

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
    readonly Dictionary<string, (double Fitness, double Loss, double? Test, bool Failed)> _rows =
        new(StringComparer.Ordinal);
    readonly TimeSpan _delay;

    public TableFitness(string path, SearchSpace space, TimeSpan delay)
    {
        _delay = delay;
        var table = CsvTable.Read(path, "fitness table");
        if (table.Rows.Count == 0) throw new Data.DatasetException($"{path}: the fitness table has no rows");
        var genes = space.Genes.Select(g => (g.Name, Index: table.RequiredColumn(g.Name, "a gene of the search space")))
            .ToArray();
        var fitness = table.RequiredColumn("fitness", "the score of each genome");
        var (loss, test, status) =
            (table.Column("validation_loss"), table.Column("test_accuracy"), table.Column("status"));
        foreach (var row in table.Rows)
        {
            var genome = new Genome(genes.Select(g => KeyValuePair.Create(g.Name, row[g.Index])));
            _rows[genome.Key] = (row.Number(fitness), loss >= 0 ? row.Number(loss) : double.NaN,
                test >= 0 && row[test] != "" ? row.Number(test) : null, status >= 0 && row[status] == "failed");
        }
    }

    public int Count => _rows.Count;

    public FitnessResult Evaluate(Genome genome, EvaluationContext context, CancellationToken cancellation)
    {
        if (_delay > TimeSpan.Zero) Task.Delay(_delay, cancellation).Wait(cancellation);
        if (!_rows.TryGetValue(genome.Key, out var row))
            return FitnessResult.Failure("genome not in the fitness table", context.Trainer);
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
