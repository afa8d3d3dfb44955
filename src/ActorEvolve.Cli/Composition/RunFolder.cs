using System.Text.Json;
using Akka.Configuration;
using ActorEvolve.Cli.Commands;
using ActorEvolve.Engine.Configuration;
using ActorEvolve.Engine.Persistence;
using ActorEvolve.Engine.Results;

namespace ActorEvolve.Cli.Composition;

/// <summary>Where a run stands: from its lock and its journal, never from summary.json, which only mirrors
/// them.</summary>
public enum RunStatus
{
    /// <summary>A process holds the run's lock.</summary>
    Running,
    Completed,
    /// <summary>Journaled, not finished, not running: <c>resume</c> continues it.</summary>
    Interrupted,
    /// <summary>Its folder exists but the journal never recorded it (stopped during start-up): <c>resume</c> starts
    /// it from its run.conf; <c>search --run-id</c> may reuse the name.</summary>
    NotStarted,
}

/// <summary>A run folder this process has claimed (<see cref="RunLock"/> held): only its holder writes or deletes
/// anything in it, so two commands on one run never both write, and the loser of a race changes nothing.</summary>
public sealed class RunFolder : IDisposable
{
    readonly RunLock _lock;

    public RunFiles Files { get; }
    public string RunId => Path.GetFileName(Files.Directory);

    RunFolder(RunFiles files, RunLock runLock) => (Files, _lock) = (files, runLock);

    /// <summary>Claims the folder (made if missing), or refuses in one line when another process runs the
    /// run.</summary>
    public static RunFolder Claim(RunFiles files)
    {
        Directory.CreateDirectory(files.Directory);
        return TryClaim(files) ?? throw new UsageException(
            $"run '{Path.GetFileName(files.Directory)}' is running in another process (its run.lock is held)");
    }

    /// <summary>Claims an existing folder; null when another process runs the run.</summary>
    public static RunFolder? TryClaim(RunFiles files) =>
        RunLock.TryAcquire(files) is { } runLock ? new RunFolder(files, runLock) : null;

    /// <summary>The configuration of the run in <paramref name="files"/>: its run.conf, then a command's
    /// <c>--config</c> file and flags.</summary>
    public static Config OwnConfig(RunFiles files, IEnumerable<HoconFile> userFiles, IEnumerable<string> overrides) =>
        HoconLoader.LoadTexts([HoconFile.Read(files.Config), .. userFiles], overrides);

    public static RunStatus StatusOf(JournaledRun run) =>
        run.IsFinished ? RunStatus.Completed : run.IsRecorded ? RunStatus.Interrupted : RunStatus.NotStarted;

    /// <summary>The status of a run that a command only looks at (runs, report); its folder is repaired when this
    /// process can claim it.</summary>
    public static async Task<RunStatus> InspectAsync(RunFiles files, string stateDir, IEnumerable<HoconFile> userFiles,
        JournalReaders readers)
    {
        if (!File.Exists(files.Config)) return RunLock.IsHeld(files) ? RunStatus.Running : RunStatus.NotStarted;
        if (RunLock.IsHeld(files)) return RunStatus.Running;
        using var folder = TryClaim(files);
        if (folder is null) return RunStatus.Running;
        var config = OwnConfig(files, userFiles, [$"actorevolve.state-dir = {HoconLoader.Quote(stateDir)}"]);
        var reader = readers.For(config, EngineSettings.From(config).Journal);
        return StatusOf(await folder.ReadAsync(reader));
    }

    /// <summary>Reads the run from its journal and, when its folder disagrees (a run killed after it finished still
    /// says "running"; rows missing from results.csv), rewrites results.csv, summary.json and the report from
    /// it.</summary>
    public async Task<JournaledRun> ReadAsync(JournalReader reader)
    {
        JournaledRun run;
        try
        {
            run = await reader.ReadAsync(RunId);
        }
        catch (JournalReadException e)
        {
            throw new ConfigException($"run '{RunId}': {e.Message}");
        }
        if (run.IsRecorded && File.Exists(Files.Config) && IsStale(run)) Repair(run);
        return run;
    }

    /// <summary>The summary as it is on disk; null when missing or damaged (it is rebuilt then).</summary>
    RunSummary? ReadableSummary()
    {
        try
        {
            return Files.ReadSummary();
        }
        catch (Exception e) when (e is JsonException or IOException or ConfigException)
        {
            return null;
        }
    }

    bool IsStale(JournaledRun run)
    {
        var summary = ReadableSummary();
        var status = run.IsFinished ? RunFolderWriter.Completed : RunFolderWriter.Interrupted;
        return summary?.Status != status || !File.Exists(Files.Results)
               || File.ReadLines(Files.Results).Count() - 1 != run.Facts.Count
               || run.IsFinished && !File.Exists(Report.ReportWriter.HtmlPath(Files));
    }

    /// <summary>Rebuilds the folder with the run's own settings: its run.conf alone, with the GA settings and the
    /// objective it journaled (a later version's shipped defaults may differ; the folder shows the run as it ran).
    /// </summary>
    void Repair(JournaledRun run)
    {
        var config = HoconLoader.Load([Files.Config], null);
        var engine = EngineSettings.From(config) with { Ga = run.Started!.Ga, Objective = run.Started.Goal };
        if (!run.Started!.Space.SequenceEqual(RunJournal.Describe(engine.Space)) || run.Started.Seed != engine.Seed)
            throw new ConfigException(
                $"run '{RunId}': its run.conf no longer matches its journal (seed or search space)");
        // What only the running node knew (the data's shape) stays as the run wrote it.
        var written = ReadableSummary()?.Config;
        var summaryConfig = RunLauncher.SummaryConfig(config, engine) with
        {
            Features = written?.Features, Classes = written?.Classes,
        };
        RunFolderWriter.Repair(Files, Files.Settings(engine), summaryConfig, run);
        if (run.IsFinished) Report.ReportWriter.Write(Files, markdown: false);
    }

    /// <summary>Whether the folder holds only what a start leaves before the journal records the run (run.conf,
    /// the lock, the log): anything more (results, a summary) was not made by a start, and is not thrown
    /// away.</summary>
    public bool HoldsOnlyStartLeftovers() => new DirectoryInfo(Files.Directory).EnumerateFileSystemInfos()
        .All(entry => entry.FullName == Files.Lock || entry.FullName == Files.Log || entry.Name == "run.pid"
                      || entry.FullName.StartsWith(Files.Config, StringComparison.Ordinal)); // run.conf and its .tmp

    /// <summary>Empties the folder of a run the journal never recorded, so it can start afresh.</summary>
    /// <param name="keepConfig">Keep run.conf: the run is started from it.</param>
    public void ClearLeftovers(bool keepConfig)
    {
        foreach (var entry in new DirectoryInfo(Files.Directory).EnumerateFileSystemInfos())
        {
            if (entry.FullName == Files.Lock || keepConfig && entry.FullName == Files.Config) continue;
            if (entry is DirectoryInfo directory) directory.Delete(recursive: true);
            else entry.Delete();
        }
    }

    /// <summary>Removes the folder of a start that was refused before the journal recorded it.</summary>
    public void Remove()
    {
        ClearLeftovers(keepConfig: false);
        File.Delete(Files.Lock); // still held: no other process can have claimed the folder meanwhile
        Directory.Delete(Files.Directory);
    }

    public void Dispose() => _lock.Dispose();
}
