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
        var generationShare = m.ToTrain == 0 ? 0 : (double)m.Done / m.ToTrain;
        var overall = (m.Generation + generationShare) / m.Generations;
        var eta = m.Eta() is { } t ? $"ETA {t:hh\\:mm\\:ss}" : "ETA --:--:--";
        rows.Add(new Markup($"[bold]Generation {m.Generation + 1}/{m.Generations}[/]  {Bar(overall, 30)} {overall:P0}  " +
                            $"[grey]{eta}, elapsed {DateTime.UtcNow - m.Started:hh\\:mm\\:ss}[/]"));
        rows.Add(new Markup($"This generation: [green]{m.Done}[/]/{m.ToTrain} trained, [blue]{m.Slots.Count}[/] running, " +
                            $"[grey]{m.Cached} cached[/], [red]{m.Failed} failed[/]   ({m.TotalTrained} trainings in all)"));
        if (m.Phase is not ("evolving" or null)) rows.Add(new Markup($"[yellow]{Markup.Escape(m.Phase)}[/]"));

        var slots = new Table().Border(TableBorder.Rounded).Title("Trainer slots")
            .AddColumns("Trainer", "Genome", "Epoch",
                m.Objective.IsPercentage ? "Val. acc." : Markup.Escape(m.Objective.Name), "Elapsed");
        foreach (var (trainer, slot) in m.Slots)
            slots.AddRow(Markup.Escape(trainer), Markup.Escape(slot.Genome), slot.Epoch.ToString(),
                m.Objective.Format(slot.Accuracy, 1),
                $"{DateTime.UtcNow - slot.Started:mm\\:ss}");
        if (m.Slots.Count == 0) slots.AddRow("[grey]idle[/]", "", "", "", "");
        rows.Add(slots);

        var nodes = new Table().Border(TableBorder.Rounded).Title("Trainer nodes").AddColumns("Node", "Slots", "Busy", "Idle", "Evaluations");
        foreach (var node in m.Nodes)
            nodes.AddRow(Markup.Escape(node.Node), node.Slots.ToString(), node.Busy.ToString(), Math.Max(0, node.Slots - node.Busy).ToString(),
                node.Evaluations.ToString());
        if (m.Nodes.Count == 0) nodes.AddRow("[yellow]none yet: start one with actorevolve trainer --join[/]", "", "", "", "");
        rows.Add(nodes);

        if (m.Best is { } best)
            rows.Add(new Markup($"Best so far: [bold green]{m.Objective.Format(best.Fitness.Accuracy)}[/]  " +
                                Markup.Escape(best.Genome.Key)));
        if (m.History.Count > 0 && m.Objective.IsPercentage)
        {
            var chart = new BarChart().Label("Best validation accuracy by generation").Width(60).WithMaxValue(100);
            foreach (var g in m.History) chart.AddItem($"gen {g.Generation + 1}", Math.Round(g.Best * 100, 2), Color.Green);
            rows.Add(chart);
        }
        return new Panel(new Rows(rows)).Header("ActorEvolve").Expand();
    });

    static string Bar(double share, int width)
    {
        var filled = (int)Math.Round(Math.Clamp(share, 0, 1) * width);
        return $"[green]{new string('█', filled)}[/][grey]{new string('░', width - filled)}[/]";
    }
}
