using System.CommandLine;
using ActorEvolve.Cli.Composition;
using ActorEvolve.Engine.Configuration;
using ActorEvolve.Engine.Results;

namespace ActorEvolve.Cli.Commands;

/// <summary><c>actorevolve resume RUN-ID</c>: continue an interrupted run exactly where its journal stops.</summary>
public static class ResumeCommand
{
    static readonly Argument<string> RunId = new("run-id") { Description = "The run to continue (see 'actorevolve runs')" };

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
        var userFile = parse.GetValue(SharedOptions.ConfigFile)?.FullName;
        var overrides = SharedOptions.Overrides(parse).ToArray();
        var stateDir = EngineSettings.Read(() => HoconLoader.Load(userFile, overrides).GetString("actorevolve.state-dir"));
        var files = new RunFiles(Path.GetFullPath(Path.Combine(stateDir, runId)));
        if (!File.Exists(files.Config))
            throw new UsageException($"there is no run '{runId}' in {Path.GetFullPath(stateDir)} (see 'actorevolve runs')");
        if (files.IsFinished()) throw new UsageException($"run '{runId}' has already finished");
        if (files.IsRunning()) throw new UsageException($"run '{runId}' is running in another process");

        // The run's own settings, then whatever this command line changes (slots, data folder, ...): the journal
        // refuses a change to what decides the search (seed, GA settings, search space).
        var config = HoconLoader.Load([files.Config, .. userFile is null ? Array.Empty<string>() : [userFile]], overrides);
        return await RunLauncher.RunAsync(config, EngineSettings.From(config), "", files, resume: true,
            RunLauncher.ViewOf(parse), cancellation);
    }
}
