using System.CommandLine;
using System.CommandLine.Parsing;
using ActorEvolve.Cli.Commands;
using ActorEvolve.Engine.Configuration;
using ActorEvolve.Training.Data;

namespace ActorEvolve.Cli;

public static class Program
{
    public const int BadInput = 2;

    /// <summary>A defect of ActorEvolve itself (sysexits' EX_SOFTWARE): one line, the details in a file.</summary>
    public const int InternalError = 70;

    public static async Task<int> Main(string[] args)
    {
        var root = new RootCommand(
            "ActorEvolve: evolve neural-network hyperparameters with a genetic algorithm on actors")
        {
            SearchCommand.Create(), BruteCommand.Create(), ResumeCommand.Create(), TrainerCommand.Create(),
            ReportCommand.Create(), RunsCommand.Create(), BenchCommand.Create(),
        };
        if (System.Console.IsOutputRedirected)
            // Logs and pipes have no width: don't squeeze tables into Spectre's fallback of 80 columns.
            Spectre.Console.AnsiConsole.Profile.Width =
                int.TryParse(Environment.GetEnvironmentVariable("COLUMNS"), out var columns) ? columns : 160;
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
            // One line, not a page of help: the first error says what to fix.
            return Refuse($"{MissingCommand(parse) ?? parse.Errors[0].Message} (see '{CommandPath(parse)} --help')");
        try
        {
            // Signals are handled by the run itself (RunLauncher): a first Ctrl-C stops gracefully.
            return await parse.InvokeAsync(new InvocationConfiguration
            {
                EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null,
            });
        }
        catch (Exception e) when (e is ConfigException or DatasetException or UsageException)
        {
            return Refuse(e.Message);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A file or folder the user named (or the disk) does not allow what was asked: their fix, not ours.
            return Refuse(e.Message);
        }
        catch (Exception e)
        {
            var details = Path.Combine(Path.GetTempPath(), $"actorevolve-error-{Environment.ProcessId}.txt");
            File.WriteAllText(details, e.ToString());
            await System.Console.Error.WriteLineAsync(
                $"actorevolve: internal error: {HoconLoader.FirstLine(e.Message)} (details in {details})");
            return InternalError;
        }
    }

    static int Refuse(string message)
    {
        System.Console.Error.WriteLine($"actorevolve: error: {HoconLoader.FirstLine(message)}");
        return BadInput;
    }

    /// <summary>"actorevolve" or "actorevolve bench": where the user's command line stopped.</summary>
    static string CommandPath(ParseResult parse)
    {
        var names = new List<string>();
        for (var result = parse.CommandResult; result is not null; result = result.Parent as CommandResult)
            names.Insert(0, result.Command.Name);
        return string.Join(' ', names);
    }

    /// <summary>Instead of "Required command was not provided.": the commands there are to choose from.</summary>
    static string? MissingCommand(ParseResult parse) =>
        parse is { CommandResult.Command: { Action: null, Subcommands.Count: > 0 } command, UnmatchedTokens.Count: 0 }
            ? $"'{CommandPath(parse)}' needs a command: {string.Join(", ", command.Subcommands.Select(c => c.Name))}"
            : null;
}
