using System.Globalization;
using ActorEvolve.Engine.Results;

namespace ActorEvolve.Cli.Report;

/// <summary>One row of results.csv: one evaluation.</summary>
public sealed record Evaluation(int Generation, IReadOnlyDictionary<string, string> Genes, double Fitness, double Seconds,
    string Trainer, bool Failed, DateTimeOffset? FinishedAt);

/// <summary>What a report shows, read from a run folder (results.csv and summary.json), so it works for finished,
/// interrupted and resumed runs alike (on resume both files are rebuilt from the journal).</summary>
public sealed record RunReport(string RunId, RunSummary? Summary, IReadOnlyList<string> GeneNames, IReadOnlyList<Evaluation> Evaluations)
{
    public static RunReport Load(RunFiles files)
    {
        if (!File.Exists(files.Results)) throw new Commands.UsageException($"{files.Directory}: no results.csv (has the run started?)");
        var lines = File.ReadAllLines(files.Results).Where(l => l != "").Select(SplitCsv).ToArray();
        var header = lines[0];
        int Column(string name) => Array.IndexOf(header, name);
        var (fitness, status) = (Column("fitness"), Column("status"));
        var genes = header[1..fitness];
        var evaluations = lines.Skip(1).Select(cells => new Evaluation(
            int.Parse(cells[0], CultureInfo.InvariantCulture),
            genes.Select((g, i) => (g, cells[1 + i])).ToDictionary(x => x.g, x => x.Item2),
            double.Parse(cells[fitness], CultureInfo.InvariantCulture),
            double.Parse(cells[Column("seconds")], CultureInfo.InvariantCulture),
            cells[Column("trainer")], cells[status] == "failed",
            Column("finished_at") is >= 0 and var at && cells[at] != "" ? DateTimeOffset.Parse(cells[at], CultureInfo.InvariantCulture) : null)).ToArray();
        return new RunReport(Path.GetFileName(files.Directory), files.ReadSummary(), genes, evaluations);
    }

    /// <summary>RFC 4180 fields: commas inside quotes, doubled quotes.</summary>
    static string[] SplitCsv(string line)
    {
        var cells = new List<string>();
        var cell = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted && c == '"' && i + 1 < line.Length && line[i + 1] == '"') { cell.Append('"'); i++; }
            else if (c == '"') quoted = !quoted;
            else if (c == ',' && !quoted) { cells.Add(cell.ToString()); cell.Clear(); }
            else cell.Append(c);
        }
        cells.Add(cell.ToString());
        return cells.ToArray();
    }
}
