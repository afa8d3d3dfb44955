using ActorEvolve.Engine.Results;
using Spectre.Console;
using Spectre.Console.Rendering;
using ActorEvolve.Engine.Protocol;

namespace ActorEvolve.Cli.Console;

/// <summary>The end of a run: the top networks, as the seed printed them (a two-objective run: its Pareto front),
/// and the winner's test accuracy.</summary>
public static class FinalReport
{
    public static void Print(IAnsiConsole console, RunCompleted run, RunFiles files, TimeSpan wall,
        ObjectiveText objective)
    {
        var genes = run.Winner.Genome.Genes.Keys.ToArray();
        console.Write(run.Front is { } front ? FrontTable(front, genes, objective) : TopTable(run, genes, objective));

        var validation = $"{objective.Format(run.Winner.Fitness.Accuracy)} validation {objective.Name}";
        // The genes on a line of their own, the scores below: together they wrap on an 80-column terminal.
        console.MarkupLineInterpolated($"Winner: [bold]{run.Winner.Genome.Key}[/]");
        console.MarkupInterpolated($"  {validation}, ");
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
        var summary = files.ReadSummary();
        var timed = summary?.Generations
            .Where(g => g is { WallSeconds: not null, EngineOverheadSeconds: not null }).ToArray() ?? [];
        if (timed.Length > 0)
        {
            var overhead = timed.Sum(g => g.EngineOverheadSeconds!.Value);
            var wallTime = timed.Sum(g => g.WallSeconds!.Value);
            console.WriteLine("Engine overhead (generation time not spent training in the busiest slot): " +
                              $"{overhead:F2} s of " +
                               $"{wallTime:F1} s ({(wallTime > 0 ? overhead / wallTime : 0):P2})");
        }
        if (summary?.Rungs is { } rungs)
            console.WriteLine($"Rungs ({RungText.Reached(rungs)}): {RungText.Saving(rungs.Total)}");
        if (File.Exists(files.Grid))
            console.MarkupLineInterpolated(
                $"Grid: [link]{files.Grid}[/] (use it with --fitness table:FILE or bench replay --table FILE)");
    }

    static Table TopTable(RunCompleted run, string[] genes, ObjectiveText objective)
    {
        var name = Markup.Escape(objective.Name);
        var top = run.Top.Take(5).ToArray();
        // A rung run's genomes also say how far they got: partial ones rank below every fully trained one.
        var rungs = top.Any(s => s.Fitness.Rung is not null);
        string[] rungColumn = rungs ? ["Rung"] : [];
        var table = GenomeTable($"Top 5 networks (validation {name})", genes,
            [objective.IsPercentage ? "Val. acc." : name, "Epochs", "Seconds", .. rungColumn]);
        foreach (var (scored, rank) in top.Select((s, i) => (s, i + 1)))
            table.AddRow([Cells.Plain(rank), .. genes.Select(g => Cells.Plain(scored.Genome.Get(g))),
                scored.Fitness.Failed
                    ? Markup.FromInterpolated($"[red]failed[/]")
                    : Cells.Plain(objective.Format(scored.Fitness.Accuracy)),
                .. Cells.Plain(scored.Fitness.Epochs, $"{scored.Fitness.Seconds:F1}"),
                .. rungs ? [Cells.Plain(RungText.Rung(scored.Fitness.Rung, scored.Fitness.Partial))]
                    : Array.Empty<IRenderable>()]);
        return table;
    }

    /// <summary>Every member of the front, most accurate first; the tested ones with their test score.</summary>
    static Table FrontTable(IReadOnlyList<FrontMember> front, string[] genes, ObjectiveText objective)
    {
        var second = objective.Second!;
        var table = GenomeTable($"Pareto front: {Networks(front.Count)} ({Markup.Escape(objective.Name)} " +
                                $"{objective.Objective.Direction}d, {Markup.Escape(second.Name)} " +
                                $"{second.Objective.Direction}d)", genes);
        // On a narrow terminal the gene columns wrap, never a score: a cut header or a number over two lines misleads.
        foreach (var column in new[] { objective.Column, second.Column, "Test" })
            table.AddColumn(new TableColumn(Markup.Escape(column)).NoWrap());
        foreach (var (member, rank) in front.Select((m, i) => (m, i + 1)))
            table.AddRow([Cells.Plain(rank), .. genes.Select(g => Cells.Plain(member.Member.Genome.Get(g))),
                .. Cells.Plain(objective.Format(member.Member.Fitness.Accuracy),
                    second.Format(objective.Objective.SecondValue(member.Member.Fitness)),
                    member.Test is { Failed: false } test ? objective.Format(test.Accuracy) : "")]);
        return table;
    }

    /// <summary>"1 network", "7 networks".</summary>
    public static string Networks(int count) => count == 1 ? "1 network" : $"{count} networks";

    static Table GenomeTable(string title, string[] genes, params string[] columns)
    {
        var table = new Table().Border(TableBorder.Rounded).Title(title);
        table.AddColumn("#");
        foreach (var gene in genes) table.AddColumn(new TableColumn(Cells.Plain(gene)));
        table.AddColumns(columns);
        return table;
    }
}
