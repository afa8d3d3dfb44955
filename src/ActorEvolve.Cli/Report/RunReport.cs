using System.Globalization;
using System.Text.Json;
using ActorEvolve.Engine.Formats;
using ActorEvolve.Engine.Results;
using ActorEvolve.Training.Tables;

namespace ActorEvolve.Cli.Report;

/// <summary>One row of results.csv: one evaluation, with every metric its fitness source reported;
/// <paramref name="Partial"/>: a rung run's genome that selection stopped short of full training;
/// <paramref name="Rung"/>: the rung it was measured at (a steady-state rung run records each rung trial).</summary>
public sealed record Evaluation(int Generation, IReadOnlyDictionary<string, string> Genes, double Fitness,
    double Seconds, string Trainer, bool Failed, DateTimeOffset? FinishedAt,
    IReadOnlyDictionary<string, double>? Metrics = null, bool Partial = false, int? Rung = null);

/// <summary>What a report shows, read from a run folder (results.csv and summary.json), so it works for finished,
/// interrupted and resumed runs alike (on resume both files are rebuilt from the journal).</summary>
public sealed record RunReport(string RunId, RunSummary? Summary, IReadOnlyList<string> GeneNames,
    IReadOnlyList<Evaluation> Evaluations)
{
    /// <summary>Reads the run folder; a missing, empty or malformed results.csv is one line saying what is wrong.
    /// </summary>
    public static RunReport Load(RunFiles files)
    {
        if (!File.Exists(files.Results))
            throw new Commands.UsageException($"{files.Directory}: no results.csv (has the run started?)");
        var table = CsvTable.Read(files.Results, "results file");
        int Column(string name) => table.RequiredColumn(name, "a column of results.csv");
        var (generation, fitness, seconds, trainer, status) =
            (Column("generation"), Column("fitness"), Column("seconds"), Column("trainer"), Column("status"));
        // Optional: files from before these columns, and (partial) runs without rungs, lack them.
        var (finishedAt, metrics, partial, rung) =
            (table.Column("finished_at"), table.Column("metrics"), table.Column("partial"), table.Column("rung"));
        var genes = table.Header.Skip(generation + 1).Take(fitness - generation - 1).ToArray();
        var evaluations = table.Rows.Select(row => new Evaluation(
            row.Integer(generation),
            genes.Select((gene, i) => (gene, i)).ToDictionary(g => g.gene, g => row[generation + 1 + g.i]),
            row.Number(fitness), row.Number(seconds), row[trainer], row[status] == "failed",
            finishedAt >= 0 && row[finishedAt] != "" ? Timestamp(row, finishedAt) : null,
            metrics >= 0 && row[metrics] != "" ? Metrics(row, metrics) : null,
            partial >= 0 && row[partial] == "true",
            rung >= 0 && row[rung] != "" ? row.Integer(rung) : null)).ToArray();
        return new RunReport(Path.GetFileName(files.Directory), files.ReadSummary(), genes, evaluations);
    }

    static IReadOnlyDictionary<string, double> Metrics(CsvTableRow row, int column)
    {
        try
        {
            return JsonSerializer.Deserialize<Dictionary<string, double>>(row[column], JsonFormat.Compact)
                   ?? throw row.Error(column, "null is not a set of metrics");
        }
        catch (JsonException)
        {
            throw row.Error(column, $"{CsvTableRow.Shown(row[column])} is not a JSON object of numbers");
        }
    }

    static DateTimeOffset Timestamp(CsvTableRow row, int column) =>
        DateTimeOffset.TryParse(row[column], CultureInfo.InvariantCulture, DateTimeStyles.None, out var at)
            ? at : throw row.Error(column, $"{CsvTableRow.Shown(row[column])} is not a time");
}
