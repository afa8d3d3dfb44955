using System.CommandLine;
using ActorEvolve.Cli.Composition;
using ActorEvolve.Cli.Report;
using ActorEvolve.Engine.Persistence;
using ActorEvolve.Engine.Results;

namespace ActorEvolve.Cli.Commands;

/// <summary><c>actorevolve report RUN-ID</c>: charts and a self-contained HTML page (or markdown) for a run, finished
/// or not. Written automatically when a run completes.</summary>
public static class ReportCommand
{
    static readonly Argument<string> RunId = RunIds.Argument("The run (see 'actorevolve runs')");
    static readonly Option<string> Format = new("--format")
    {
        Description = "html (default) or md", DefaultValueFactory = _ => "html",
    };

    public static Command Create()
    {
        var command = new Command("report",
            "Write a run's report: charts and index.html (or summary.md) in runs/RUN-ID/report")
        {
            RunId, Format, SharedOptions.StateDir, SharedOptions.ConfigFile,
        };
        command.SetAction(async (parse, _) =>
        {
            var format = parse.GetValue(Format);
            if (format is not ("html" or "md"))
                throw new UsageException($"--format must be html or md (got '{format}')");
            var stateDir = SharedOptions.StateDirectory(parse);
            var files = new RunFiles(Path.GetFullPath(Path.Combine(stateDir, parse.GetValue(RunId)!)));
            if (!Directory.Exists(files.Directory))
                throw new UsageException($"there is no run '{parse.GetValue(RunId)}' in {Path.GetFullPath(stateDir)}");
            await using (var readers = new JournalReaders())
                await RunFolder.InspectAsync(files, stateDir, SharedOptions.UserConfigFiles(parse), readers);
            System.Console.WriteLine($"Report: {ReportWriter.Write(files, format == "md")}");
            return 0;
        });
        return command;
    }
}
