using System.CommandLine;
using ActorEvolve.Cli.Composition;
using ActorEvolve.Engine.Configuration;
using ActorEvolve.Engine.Results;

namespace ActorEvolve.Cli.Commands;

/// <summary><c>actorevolve resume RUN-ID</c>: continue an interrupted run exactly where its journal stops.</summary>
public static class ResumeCommand
{
    static readonly Argument<string> RunId = RunIds.Argument("The run to continue (see 'actorevolve runs')");

    public static Command Create()
    {
        var command = new Command("resume", "Continue an interrupted run where it stopped") { RunId };
        SharedOptions.AddTo(command);
        command.SetAction((parse, cancellation) => RunAsync(parse, cancellation));
        return command;
    }

    static async Task<int> RunAsync(ParseResult parse, CancellationToken cancellation)
    {
        var runId = parse.GetValue(RunId)!;
        var files = new RunFiles(Path.GetFullPath(Path.Combine(SharedOptions.StateDirectory(parse), runId)));
        if (!File.Exists(files.Config))
            throw new UsageException(
                $"there is no run '{runId}' in {Path.GetDirectoryName(files.Directory)} (see 'actorevolve runs')");
        // The run's own settings, then whatever this command line changes (slots, data folder, ...): the journal
        // refuses a change to what decides the search (seed, GA settings, search space).
        var config = RunFolder.OwnConfig(files, SharedOptions.UserConfigFiles(parse), SharedOptions.Overrides(parse));
        var own = HoconLoader.Load([files.Config], null); // run.conf on the shipped defaults
        var started = FitnessConfig.ResultsDefinition(own);
        foreach (var ((setting, before), (_, now)) in started.Zip(FitnessConfig.ResultsDefinition(config)))
            if (before != now)
                throw new UsageException($"run '{runId}' was started with {setting} = {before}; resuming it with " +
                                         $"{now} would mix two searches: start a new run instead");
        var engine = EngineSettings.From(config);
        // A command that asks for no other GA settings or objective than run.conf does continues with the journaled
        // ones, even when the shipped defaults under run.conf have changed since the run started.
        var asStarted = EngineSettings.From(own);
        var searchFromJournal = asStarted.Ga == engine.Ga && asStarted.Goal == engine.Goal;
        return await RunLauncher.RunAsync(config, engine, null, files, RunLauncher.ViewOf(parse), cancellation,
            searchFromJournal);
    }
}
