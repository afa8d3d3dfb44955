using ActorEvolve.Engine.Actors;
using ActorEvolve.Engine.Results;
using Spectre.Console;

namespace ActorEvolve.Cli.Console;

/// <summary>The end of a run: the top networks, as the seed printed them, and the winner's test accuracy.</summary>
public static class FinalReport
{
    public static void Print(IAnsiConsole console, RunCompleted run, RunFiles files, TimeSpan wall,
        ObjectiveText objective)
    {
        var name = Markup.Escape(objective.Name);
        var table = new Table().Border(TableBorder.Rounded).Title($"Top 5 networks (validation {name})");
        var genes = run.Winner.Genome.Genes.Keys.ToArray();
        table.AddColumn("#");
        foreach (var gene in genes) table.AddColumn(gene);
        table.AddColumns(objective.IsPercentage ? "Val. acc." : Markup.Escape(objective.Name), "Epochs", "Seconds");
        foreach (var (scored, rank) in run.Top.Take(5).Select((s, i) => (s, i + 1)))
            table.AddRow([rank.ToString(), .. genes.Select(g => Markup.Escape(scored.Genome.Get(g))),
                scored.Fitness.Failed ? "[red]failed[/]" : objective.Format(scored.Fitness.Accuracy),
                scored.Fitness.Epochs.ToString(),
                $"{scored.Fitness.Seconds:F1}"]);
        console.Write(table);

        var test = run.Test switch
        {
            { Failed: false } t => $"[bold green]{objective.Format(t.Accuracy)}[/] test {name}",
            { } failed => $"[yellow]no test {name}[/] ({Markup.Escape(failed.FailureReason ?? "")})",
            null => $"[red]no test {name}[/]",
        };
        console.MarkupLine($"Winner: [bold]{Markup.Escape(run.Winner.Genome.Key)}[/]  " +
                           $"{objective.Format(run.Winner.Fitness.Accuracy)} validation {name}, {test}");
        console.MarkupLine($"Finished in {wall:hh\\:mm\\:ss}. Results: [link]{Markup.Escape(files.Directory)}[/] (results.csv, summary.json)");
        var timed = files.ReadSummary()?.Generations.Where(g => g is { WallSeconds: not null, EngineOverheadSeconds: not null }).ToArray() ?? [];
        if (timed.Length > 0)
        {
            var (overhead, wallTime) = (timed.Sum(g => g.EngineOverheadSeconds!.Value), timed.Sum(g => g.WallSeconds!.Value));
            console.MarkupLine($"Engine overhead (generation time not spent training in the busiest slot): {overhead:F2} s of " +
                               $"{wallTime:F1} s ({(wallTime > 0 ? overhead / wallTime : 0):P2})");
        }
        if (File.Exists(files.Grid))
            console.MarkupLine($"Grid: [link]{Markup.Escape(files.Grid)}[/] (use it with --fitness table:FILE or bench replay --table FILE)");
    }
}
