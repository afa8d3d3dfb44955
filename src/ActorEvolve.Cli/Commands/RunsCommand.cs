using System.CommandLine;
using System.Text.Json;
using ActorEvolve.Core.Evolution;
using ActorEvolve.Cli.Console;
using ActorEvolve.Cli.Composition;
using ActorEvolve.Engine.Configuration;
using ActorEvolve.Engine.Persistence;
using ActorEvolve.Engine.Results;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace ActorEvolve.Cli.Commands;

/// <summary><c>actorevolve runs</c>: the runs in the state directory, newest first, each with its status as its
/// lock and journal say (a folder that disagrees with its journal is repaired on the way).</summary>
public static class RunsCommand
{
    public static Command Create()
    {
        var command = new Command("runs", "List the runs in the state directory")
        {
            SharedOptions.StateDir, SharedOptions.ConfigFile,
        };
        command.SetAction(async (parse, _) =>
        {
            var stateDirectory = SharedOptions.StateDirectory(parse);
            await PrintAsync(AnsiConsole.Console, stateDirectory, SharedOptions.UserConfigFiles(parse));
            return 0;
        });
        return command;
    }

    sealed record Listed(string Directory, IRenderable Status, RunSummary? Summary);

    static async Task PrintAsync(IAnsiConsole console, string stateDir, IEnumerable<HoconFile> userFiles)
    {
        var runs = new List<Listed>();
        await using (var readers = new JournalReaders())
        {
            foreach (var dir in Directory.Exists(stateDir) ? Directory.EnumerateDirectories(stateDir) : [])
                runs.Add(await InspectAsync(new RunFiles(dir), stateDir, userFiles, readers));
        }
        if (runs.Count == 0)
        {
            console.MarkupLineInterpolated($"No runs in {Path.GetFullPath(stateDir)}.");
            return;
        }
        var table = new Table().Border(TableBorder.Rounded)
            .Title($"Runs in {Markup.Escape(Path.GetFullPath(stateDir))}")
            .AddColumns("Run", "Status", "Started", "Generations", "Evaluations", "Best val. acc.", "Test acc.",
                "Best genome");
        var newestFirst = runs.OrderByDescending(r => r.Summary?.Started ?? Directory.GetCreationTimeUtc(r.Directory));
        foreach (var (dir, status, s) in newestFirst)
        {
            if (s is null)
            {
                table.AddRow([Cells.Plain(Path.GetFileName(dir)), status, .. Cells.Plain("", "", "", "", "", "")]);
                continue;
            }
            var ga = s.Config.Ga;
            var generations = ga.Mode == GaMode.SteadyState
                ? $"{s.Generations.Count}/{ga.Rounds()} rounds"
                : $"{s.Generations.Count}/{ga.Generations}";
            table.AddRow([Cells.Plain(Path.GetFileName(dir)), status, .. Cells.Plain(
                $"{s.Started.ToLocalTime():yyyy-MM-dd HH:mm}", generations, s.Evaluations,
                s.Best is null ? "" : $"{s.Best.ValidationAccuracy:P2}", s.TestAccuracy is { } t ? $"{t:P2}" : "",
                s.Best is null ? "" : string.Join(" ", s.Best.Genes.Select(kv => $"{kv.Key}={kv.Value}")))]);
        }
        console.Write(table);
    }

    /// <summary>One run's status and summary; a run that cannot be read is listed with the reason.</summary>
    static async Task<Listed> InspectAsync(RunFiles files, string stateDir, IEnumerable<HoconFile> userFiles,
        JournalReaders readers)
    {
        IRenderable status;
        try
        {
            status = await RunFolder.InspectAsync(files, stateDir, userFiles, readers) switch
            {
                RunStatus.Running => Markup.FromInterpolated($"[blue]running[/]"),
                RunStatus.Completed => Markup.FromInterpolated($"[green]completed[/]"),
                RunStatus.Interrupted => Markup.FromInterpolated($"[yellow]interrupted[/] (resume it)"),
                _ => Markup.FromInterpolated($"[grey]never started[/] (resume it)"),
            };
        }
        catch (Exception e) when (e is ConfigException or UsageException)
        {
            status = Markup.FromInterpolated($"[red]unreadable[/]: {e.Message}");
        }
        RunSummary? summary;
        try
        {
            summary = files.ReadSummary();
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or IOException)
        {
            summary = null;
        }
        return new Listed(files.Directory, status, summary);
    }
}
