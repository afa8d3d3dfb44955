using ActorEvolve.Engine.Results;
using Spectre.Console;
using ActorEvolve.Engine.Protocol;

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
        foreach (var gene in genes) table.AddColumn(new TableColumn(Cells.Plain(gene)));
        table.AddColumns(objective.IsPercentage ? "Val. acc." : name, "Epochs", "Seconds");
        foreach (var (scored, rank) in run.Top.Take(5).Select((s, i) => (s, i + 1)))
            table.AddRow([Cells.Plain(rank), .. genes.Select(g => Cells.Plain(scored.Genome.Get(g))),
                scored.Fitness.Failed
                    ? Markup.FromInterpolated($"[red]failed[/]")
                    : Cells.Plain(objective.Format(scored.Fitness.Accuracy)),
                .. Cells.Plain(scored.Fitness.Epochs, $"{scored.Fitness.Seconds:F1}")]);
        console.Write(table);

        var validation = $"{objective.Format(run.Winner.Fitness.Accuracy)} validation {objective.Name}";
        console.MarkupInterpolated($"Winner: [bold]{run.Winner.Genome.Key}[/]  {validation}, ");
        switch (run.Test)
        {
            case { Failed: false } t:
                console.MarkupLineInterpolated($"[bold green]{objective.Format(t.Accuracy)}[/] test {objective.Name}");
                break;
            case { } failed:
                console.MarkupLineInterpolated($"[yellow]no test {objective.Name}[/] ({failed.FailureReason ?? ""})");
                break;
            default:
                console.MarkupLineInterpolated($"[red]no test {objective.Name}[/]");
                break;
        }
        var took = $"Finished in {wall:hh\\:mm\\:ss}";
        console.MarkupLineInterpolated($"{took}. Results: [link]{files.Directory}[/] (results.csv, summary.json)");
        var timed = files.ReadSummary()?.Generations
            .Where(g => g is { WallSeconds: not null, EngineOverheadSeconds: not null }).ToArray() ?? [];
        if (timed.Length > 0)
        {
            var overhead = timed.Sum(g => g.EngineOverheadSeconds!.Value);
            var wallTime = timed.Sum(g => g.WallSeconds!.Value);
            console.WriteLine("Engine overhead (generation time not spent training in the busiest slot): " +
                              $"{overhead:F2} s of " +
                               $"{wallTime:F1} s ({(wallTime > 0 ? overhead / wallTime : 0):P2})");
        }
        if (File.Exists(files.Grid))
            console.MarkupLineInterpolated(
                $"Grid: [link]{files.Grid}[/] (use it with --fitness table:FILE or bench replay --table FILE)");
    }
}
