using ActorEvolve.Core.Evolution;
using ActorEvolve.Engine.Protocol;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace ActorEvolve.Cli.Console;

/// <summary>The terminal dashboard shown while a search runs: generation progress with ETA, evaluations,
/// what each trainer slot is training, the best genome so far and best fitness per generation.</summary>
public static class LiveView
{
    public static async Task ShowWhileAsync(IAnsiConsole console, ProgressModel model, Task running)
    {
        await console.Live(Render(model)).AutoClear(false).StartAsync(async live =>
        {
            while (!running.IsCompleted)
            {
                live.UpdateTarget(Render(model));
                await Task.WhenAny(running, Task.Delay(250));
            }
            live.UpdateTarget(Render(model));
        });
    }

    public static IRenderable Render(ProgressModel model) => model.Read(m =>
    {
        var rows = new List<IRenderable>();
        if (m.Warning is { } warning) rows.Add(new Markup($"[bold red]{Markup.Escape(warning)}[/]"));
        var overall = (m.Generation + (m.GenerationShare ?? 0)) / m.Generations;
        var eta = m.Eta() is { } t ? $"ETA {t:hh\\:mm\\:ss}" : "ETA --:--:--";
        var elapsed = $"{eta}, elapsed {DateTime.UtcNow - m.Started:hh\\:mm\\:ss}";
        var (filled, empty) = Bar(overall, 30);
        var generation = $"{Capitalized(m.Step)} {m.Generation + 1}/{m.Generations}";
        rows.Add(Markup.FromInterpolated(
            $"[bold]{generation}[/]  [green]{filled}[/][grey]{empty}[/] {overall:P0}  [grey]{elapsed}[/]"));
        var (done, trained, running) = (m.Done, $"/{m.ToTrain} {m.DoneWord}, ", $"{m.Slots.Count} running");
        var (cached, failed) = ($"{m.Cached} cached", $"{m.Failed} failed");
        var all = $"   ({m.InAll})";
        rows.Add(Markup.FromInterpolated(
            $"This {m.Step}: [green]{done}[/]{trained}[blue]{running}[/], [grey]{cached}[/], [red]{failed}[/]{all}"));
        if (m.Phase is not ("evolving" or null)) rows.Add(Markup.FromInterpolated($"[yellow]{m.Phase}[/]"));
        if (m.Ages is { } ages)
            rows.Add(Markup.FromInterpolated($"Population age (births since each member's own): {ages}"));
        if (m.Rungs is { } rungs) rows.AddRange(RungRows(m, rungs));

        var slots = new Table().Border(TableBorder.Rounded).Title("Trainer slots")
            .AddColumns("Trainer", "Genome", "Epoch", Markup.Escape(m.Objective.Column), "Elapsed");
        foreach (var (trainer, slot) in m.Slots)
            slots.AddRow(Cells.Plain(trainer, slot.Genome, slot.Epoch, m.Objective.Format(slot.Accuracy, 1),
                $"{DateTime.UtcNow - slot.Started:mm\\:ss}"));
        if (m.Slots.Count == 0)
            slots.AddRow([Markup.FromInterpolated($"[grey]idle[/]"), .. Cells.Plain("", "", "", "")]);
        rows.Add(slots);

        var nodes = new Table().Border(TableBorder.Rounded).Title("Trainer nodes")
            .AddColumns("Node", "Slots", "Busy", "Idle", m.NodeCountHeader);
        foreach (var node in m.Nodes)
            nodes.AddRow(Cells.Plain(node.Node, node.Slots, node.Busy, Math.Max(0, node.Slots - node.Busy),
                node.Evaluations));
        if (m.Nodes.Count == 0)
            nodes.AddRow([Markup.FromInterpolated($"[yellow]none yet: start one with actorevolve trainer --join[/]"),
                .. Cells.Plain("", "", "", "")]);
        rows.Add(nodes);

        if (m.Front is { Count: > 0 } front) rows.Add(FrontTable(m.Objective, front));
        else if (m.Best is { } best)
        {
            var score = m.Objective.Format(best.Fitness.Accuracy);
            var partial = best.Fitness.Partial ? $"  (partial: stopped at rung {best.Fitness.Rung})" : "";
            rows.Add(Markup.FromInterpolated($"Best so far: [bold green]{score}[/]  {best.Genome.Key}{partial}"));
        }
        if (m.History.Count > 0 && m.Objective.IsPercentage)
        {
            var chart = new BarChart().Label("Best validation accuracy by generation").Width(60).WithMaxValue(100);
            var label = m.Step == RunStep.Round ? "round" : "gen";
            foreach (var g in m.History)
                chart.AddItem($"{label} {g.Generation + 1}", Math.Round(g.Best * 100, 2), Color.Green);
            rows.Add(chart);
        }
        return new Panel(new Rows(rows)).Header("ActorEvolve").Expand();
    });

    /// <summary>A two-objective run's front so far: both metrics of up to five members spread along it (its ends and
    /// members between, as the final test picks them), where one objective shows the best so far.</summary>
    static Table FrontTable(ObjectiveText objective, IReadOnlyList<Core.Fitness.ScoredGenome> front)
    {
        var shown = Pareto.Spread(front, FrontMember.Tested);
        var spread = shown.Count < front.Count ? $", {shown.Count} spread along it" : "";
        var second = objective.Second!;
        var table = new Table().Border(TableBorder.Rounded)
            .Title($"Pareto front so far: {FinalReport.Networks(front.Count)}{spread}")
            .AddColumns(Markup.Escape(objective.Column), Markup.Escape(second.Column), "Genome");
        foreach (var member in shown)
            table.AddRow(Cells.Plain(objective.Format(member.Fitness.Accuracy),
                second.Format(objective.Objective.SecondValue(member.Fitness)), member.Genome.Key));
        return table;
    }

    /// <summary>A rung run: the current rungs (<see cref="RungText.Now"/>), then the last finished generations'
    /// tallies and the whole run's.</summary>
    static IEnumerable<IRenderable> RungRows(ProgressModel m, RungSettings rungs)
    {
        var (heading, now) = RungText.Now(m);
        yield return Markup.FromInterpolated($"{heading}");
        yield return Markup.FromInterpolated($"  {now}");
        var (generations, total) = m.RungTallies;
        if (total is null) yield break;
        var table = new Table().Border(TableBorder.Rounded).Title("Rungs: genomes that reached each, epochs saved")
            .AddColumns([m.Step == RunStep.Round ? "Round" : "Gen.", .. RungText.ShortHeader(rungs.Epochs)]);
        foreach (var (generation, tally) in generations.TakeLast(5))
            table.AddRow(Cells.Plain([generation + 1, .. RungText.ShortCells(tally)]));
        table.AddRow(Cells.Plain(["all", .. RungText.ShortCells(total)]));
        yield return table;
    }

    static string Capitalized(string word) => char.ToUpperInvariant(word[0]) + word[1..];

    static (string Filled, string Empty) Bar(double share, int width)
    {
        var filled = (int)Math.Round(Math.Clamp(share, 0, 1) * width);
        return (new string('█', filled), new string('░', width - filled));
    }
}
