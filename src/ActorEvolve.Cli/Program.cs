using System.CommandLine;
using ActorEvolve.Cli.Commands;
using ActorEvolve.Engine.Configuration;
using ActorEvolve.Training.Data;

namespace ActorEvolve.Cli;

public static class Program
{
    public const int BadInput = 2;

    public static async Task<int> Main(string[] args)
    {
        var root = new RootCommand("ActorEvolve: evolve neural-network hyperparameters with a genetic algorithm on actors")
        {
            SearchCommand.Create(), BruteCommand.Create(), ResumeCommand.Create(), TrainerCommand.Create(), ReportCommand.Create(), RunsCommand.Create(), BenchCommand.Create(),
        };
        if (System.Console.IsOutputRedirected)
            // Logs and pipes have no width: don't squeeze tables into Spectre's fallback of 80 columns.
            Spectre.Console.AnsiConsole.Profile.Width = int.TryParse(Environment.GetEnvironmentVariable("COLUMNS"), out var columns) ? columns : 160;
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            // One line, not a page of help: the first error says what to fix.
            System.Console.Error.WriteLine($"actorevolve: error: {parse.Errors[0].Message} (see 'actorevolve --help')");
            return BadInput;
        }
        try
        {
            // Signals are handled by the run itself (RunLauncher): a first Ctrl-C stops gracefully.
            return await parse.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null });
        }
        catch (Exception e) when (e is ConfigException or DatasetException or UsageException)
        {
            System.Console.Error.WriteLine($"actorevolve: error: {e.Message}");
            return BadInput;
        }
    }
}
