using ActorEvolve.Engine.Results;
using Spectre.Console;
using Spectre.Console.Rendering;
using ActorEvolve.Engine.Protocol;

namespace ActorEvolve.Cli.Console;

/// <summary>The end of a run: the top networks, as the seed printed them (a two-objective run: its Pareto front),
/// and the winner's test accuracy. Every line fits a terminal of 80 columns (a long path aside): a line that would
/// not is two, and a table too wide breaks its headers where a reader would, never inside a word or a number.
/// </summary>
public static class FinalReport
{
    public static void Print(IAnsiConsole console, RunCompleted run, RunFiles files, TimeSpan wall,
        ObjectiveText objective)
    {
        var genes = run.Winner.Genome.Genes.Keys.ToArray();
        console.Write(Fitted(console, fit => run.Front is { } front
            ? FrontTable(front, genes, objective, fit) : TopTable(run, genes, objective, fit)));

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
        console.WriteLine($"Finished in {wall:hh\\:mm\\:ss}. Results (results.csv, summary.json):");
        console.MarkupLineInterpolated($"  [link]{files.Directory}[/]");
        var summary = files.ReadSummary();
        var timed = summary?.Generations
            .Where(g => g is { WallSeconds: not null, EngineOverheadSeconds: not null }).ToArray() ?? [];
        if (timed.Length > 0)
        {
            var overhead = timed.Sum(g => g.EngineOverheadSeconds!.Value);
            var wallTime = timed.Sum(g => g.WallSeconds!.Value);
            console.WriteLine($"Engine overhead: {overhead:F2} s of {wallTime:F2} s " +
                              $"({(wallTime > 0 ? overhead / wallTime : 0):P2})");
            console.WriteLine("  (generation time not spent training in the busiest slot)");
        }
        if (summary?.Rungs is { } rungs)
        {
            console.WriteLine($"Rungs of {string.Join("/", rungs.Epochs)} epochs reached by " +
                              $"{string.Join("/", rungs.Total.Reached)} genomes");
            console.WriteLine($"  {RungText.Saving(rungs.Total)}");
        }
        if (File.Exists(files.Grid))
        {
            console.MarkupLineInterpolated($"Grid: [link]{files.Grid}[/]");
            console.WriteLine("  (use it with --fitness table:FILE or bench replay --table FILE)");
        }
    }

    /// <summary>How much a table gives up to fit the terminal.</summary>
    enum Fit
    {
        /// <summary>Every header on one line.</summary>
        Wide,
        /// <summary>Headers over two lines or more (<see cref="Header"/>), so the columns need no word broken.
        /// </summary>
        Narrow,
        /// <summary>Narrow, and the top networks without their seconds (results.csv has them).</summary>
        Narrowest,
    }

    /// <summary>The table built by <paramref name="build"/> as wide as the terminal allows.</summary>
    static Table Fitted(IAnsiConsole console, Func<Fit, Table> build)
    {
        var width = console.Profile.Width;
        var options = RenderOptions.Create(console);
        return Enum.GetValues<Fit>().Select(build)
            .FirstOrDefault(t => ((IRenderable)t).Measure(options, width).Max <= width) ?? build(Fit.Narrowest);
    }

    /// <summary>A column's header; narrow: a line per word, and a gene's name broken after its underscores ("nb_"
    /// over "layers").</summary>
    static IRenderable Header(string name, Fit fit) =>
        Cells.Plain(fit == Fit.Wide ? name : name.Replace("_", "_\n").Replace(' ', '\n'));

    static Table TopTable(RunCompleted run, string[] genes, ObjectiveText objective, Fit fit)
    {
        var name = Markup.Escape(objective.Name);
        var top = run.Top.Take(5).ToArray();
        // A rung run's genomes also say how far they got: partial ones rank below every fully trained one.
        var rungs = top.Any(s => s.Fitness.Rung is not null);
        var seconds = fit != Fit.Narrowest;
        var table = GenomeTable($"Top 5 networks (validation {name})", genes, fit, ranked: true);
        // A score never wraps: a number over two lines misleads.
        string[] scores = [objective.Column, "Epochs", .. seconds ? ["Seconds"] : Array.Empty<string>()];
        foreach (var column in scores) table.AddColumn(new TableColumn(Header(column, fit)).NoWrap());
        if (rungs) table.AddColumn(new TableColumn(Header("Rung", fit)));
        foreach (var (scored, rank) in top.Select((s, i) => (s, i + 1)))
            table.AddRow([Cells.Plain(rank), .. genes.Select(g => Cells.Plain(scored.Genome.Get(g))),
                scored.Fitness.Failed
                    ? Markup.FromInterpolated($"[red]failed[/]")
                    : Cells.Plain(objective.Format(scored.Fitness.Accuracy)),
                Cells.Plain(scored.Fitness.Epochs),
                .. seconds ? [Cells.Plain($"{scored.Fitness.Seconds:F1}")] : Array.Empty<IRenderable>(),
                .. rungs ? [Cells.Plain(RungText.Rung(scored.Fitness.Rung, scored.Fitness.Partial))]
                    : Array.Empty<IRenderable>()]);
        return table;
    }

    /// <summary>Every member of the front, most accurate first (the order is the first score's: no rank column);
    /// the tested ones with their test score.</summary>
    static Table FrontTable(IReadOnlyList<FrontMember> front, string[] genes, ObjectiveText objective, Fit fit)
    {
        var second = objective.Second!;
        var table = GenomeTable($"Pareto front: {Networks(front.Count)} ({Markup.Escape(objective.Name)} " +
                                $"{objective.Objective.Direction}d, {Markup.Escape(second.Name)} " +
                                $"{second.Objective.Direction}d)", genes, fit, ranked: false);
        // On a narrow terminal the gene columns wrap, never a score: a cut header or a number over two lines misleads.
        foreach (var column in new[] { objective.Column, second.Column, "Test" })
            table.AddColumn(new TableColumn(Header(column, fit)).NoWrap());
        foreach (var member in front)
            table.AddRow([.. genes.Select(g => Cells.Plain(member.Member.Genome.Get(g))),
                .. Cells.Plain(objective.Format(member.Member.Fitness.Accuracy),
                    second.Format(objective.Objective.SecondValue(member.Member.Fitness)),
                    member.Test is { Failed: false } test ? objective.Format(test.Accuracy) : "")]);
        return table;
    }

    /// <summary>"1 network", "7 networks".</summary>
    public static string Networks(int count) => count == 1 ? "1 network" : $"{count} networks";

    static Table GenomeTable(string title, string[] genes, Fit fit, bool ranked)
    {
        var table = new Table().Border(TableBorder.Rounded).Title(title);
        if (ranked) table.AddColumn("#");
        foreach (var gene in genes) table.AddColumn(new TableColumn(Header(gene, fit)));
        return table;
    }
}
