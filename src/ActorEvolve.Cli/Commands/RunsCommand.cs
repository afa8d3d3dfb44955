using System.CommandLine;
using ActorEvolve.Engine.Results;
using Spectre.Console;

namespace ActorEvolve.Cli.Commands;

/// <summary><c>actorevolve runs</c>: the runs in the state directory, newest first.</summary>
public static class RunsCommand
{
    public static Command Create()
    {
        var command = new Command("runs", "List the runs in the state directory") { SharedOptions.StateDir, SharedOptions.ConfigFile };
        command.SetAction(parse =>
        {
            Print(AnsiConsole.Console, SharedOptions.StateDirectory(parse));
            return 0;
        });
        return command;
    }

    public static void Print(IAnsiConsole console, string stateDir)
    {
        var runs = Directory.Exists(stateDir)
            ? Directory.EnumerateDirectories(stateDir).Select(d => (Dir: d, Summary: new RunFiles(d).ReadSummary())).ToArray()
            : [];
        if (runs.Length == 0)
        {
            console.MarkupLine($"No runs in {Markup.Escape(Path.GetFullPath(stateDir))}.");
            return;
        }
        var table = new Table().Border(TableBorder.Rounded).Title($"Runs in {Markup.Escape(Path.GetFullPath(stateDir))}")
            .AddColumns("Run", "Status", "Started", "Generations", "Evaluations", "Best val. acc.", "Test acc.", "Best genome");
        foreach (var (dir, s) in runs.OrderByDescending(r => r.Summary?.Started ?? Directory.GetCreationTimeUtc(r.Dir)))
        {
            if (s is null)
            {
                table.AddRow(Markup.Escape(Path.GetFileName(dir)), "[grey]no summary yet[/]", "", "", "", "", "", "");
                continue;
            }
            var generations = s.Config.TryGetValue("ga", out var ga) && ga is System.Text.Json.JsonElement e
                ? $"{s.Generations.Count}/{e.GetProperty("generations").GetInt32()}" : s.Generations.Count.ToString();
            var status = s.Status == "completed" ? "[green]completed[/]"
                : new RunFiles(dir).IsRunning() ? "[blue]running[/]" : "[yellow]interrupted[/] (resume it)";
            table.AddRow(Markup.Escape(s.RunId), status,
                $"{s.Started.ToLocalTime():yyyy-MM-dd HH:mm}", generations, s.Evaluations.ToString(),
                s.Best is null ? "" : $"{s.Best.ValidationAccuracy:P2}", s.TestAccuracy is { } t ? $"{t:P2}" : "",
                s.Best is null ? "" : Markup.Escape(string.Join(" ", s.Best.Genes.Select(kv => $"{kv.Key}={kv.Value}"))));
        }
        console.Write(table);
    }
}
