using Akka.Actor;
using Akka.Configuration;
using ActorEvolve.Core.Fitness;
using ActorEvolve.Engine.Cluster;
using ActorEvolve.Engine.Configuration;
using ActorEvolve.Engine.Persistence;
using ActorEvolve.Engine.Results;
using ActorEvolve.Engine.Protocol;

namespace ActorEvolve.Engine;

/// <summary>A run to start or resume on this node, resolved from its configuration.</summary>
/// <param name="Config">The effective configuration; <paramref name="Engine"/> is read from it (its search space may
/// come from code instead).</param>
/// <param name="RunConfigText">What was asked for on top of the defaults, kept as run.conf (new runs only).</param>
/// <param name="SummaryConfig">The settings summary.json shows.</param>
public sealed record RunPlan(Config Config, EngineSettings Engine, RunFiles Files, string RunConfigText, bool Resume,
    SummarySettings SummaryConfig)
{
    public string RunId => Path.GetFileName(Files.Directory);

    /// <summary>The engine's settings as summary.json shows them; a caller adds its fitness's own.</summary>
    public static SummarySettings EngineSummary(Config config, EngineSettings engine) => new(engine.Ga,
        SettingsReader.Of(config, "actorevolve").String("fitness"), engine.LocalSlots, engine.Journal.Description,
        engine.Goal);
}

/// <summary>
/// One run of a .NET program on this node (<see cref="Search"/>), from its checks to its result.
/// <see cref="StartAsync"/> checks what it can before it writes (journal, certificate, port), claims the run folder
/// (<see cref="RunLock"/>: one writer per run), asks the journal where the run stands, writes run.conf and starts
/// the node, which trainer nodes can join from then on (<see cref="Address"/>); <see cref="RunAsync"/> runs the
/// search. Disposing stops the node and releases the folder.
/// </summary>
public sealed class SearchSession : IAsyncDisposable
{
    readonly RunPlan _plan;
    readonly RunLock _lock;
    readonly SearchHost _host;
    readonly bool _recorded;

    SearchSession(RunPlan plan, RunLock runLock, SearchHost host, bool recorded) =>
        (_plan, _lock, _host, _recorded) = (plan, runLock, host, recorded);

    public ActorSystem System => _host.System;

    /// <summary>Where trainer nodes join this run's cluster.</summary>
    public Address Address => Akka.Cluster.Cluster.Get(System).SelfAddress;

    public static async Task<SearchSession> StartAsync(RunPlan plan, IFitnessFunction fitness)
    {
        var (config, engine, files) = (plan.Config, plan.Engine, plan.Files);
        var journalCreated = engine.Journal.Preflight(mustExist: false); // "no such run" says more than "no journal"
        ClusterSecurity.Preflight(config);
        RemotingEndpoint.Preflight(config);
        var folderExisted = Directory.Exists(files.Directory);
        Directory.CreateDirectory(files.Directory);
        var runLock = RunLock.TryAcquire(files);
        if (runLock is null)
            throw new ConfigException($"run '{plan.RunId}' is running in another process (its run.lock is held)");
        try
        {
            var recorded = await CheckAgainstJournalAsync(plan);
            if (!recorded) await files.WriteConfigAsync(plan.RunConfigText);
            var host = await SearchHost.StartForRunAsync(config, engine, files, fitness);
            return new SearchSession(plan, runLock, host, recorded);
        }
        catch
        {
            runLock.Dispose();
            // A refused start leaves nothing behind: the journal has not recorded the run.
            if (!folderExisted) Directory.Delete(files.Directory, recursive: true);
            if (journalCreated) engine.Journal.DeleteIfEmpty();
            throw;
        }
    }

    /// <summary>Whether the journal has recorded the run (it is resumed then), refusing what the plan cannot do:
    /// start a run that exists, resume one that never started or has finished.</summary>
    static async Task<bool> CheckAgainstJournalAsync(RunPlan plan)
    {
        var (runId, files) = (plan.RunId, plan.Files);
        JournaledRun journaled;
        try
        {
            await using var reader = JournalReader.Open(plan.Config, plan.Engine.Journal);
            journaled = await reader.ReadAsync(runId);
        }
        catch (JournalReadException e)
        {
            throw new ConfigException($"run '{runId}': {e.Message}");
        }
        var stateDirectory = Path.GetDirectoryName(files.Directory);
        if (journaled.IsFinished)
            throw new ConfigException(plan.Resume ? $"run '{runId}' has already finished"
                : $"run '{runId}' already exists in {stateDirectory}: choose another run id");
        if (journaled.IsRecorded && !plan.Resume)
            throw new ConfigException(
                $"run '{runId}' exists and is unfinished: set SearchOptions.Resume to continue it");
        if (journaled.IsRecorded) return true;
        if (plan.Resume && !File.Exists(files.Config))
            throw new ConfigException($"there is no run '{runId}' in {stateDirectory}");
        if (File.Exists(files.Results) || File.Exists(files.Summary))
            throw new ConfigException($"run '{runId}' has results in {files.Directory} but its journal " +
                                      $"({plan.Engine.Journal.Description}) does not hold it: use the journal it was " +
                                      "started with, or choose another run id");
        return false; // never recorded (stopped during start-up): it starts afresh
    }

    /// <summary>Runs the search to its end: the result once it is journaled and its files are written.</summary>
    /// <param name="listeners">Actors of <see cref="System"/> that get the run's <see cref="RunEvent"/>s.</param>
    /// <param name="cancellation">Stops the run gracefully: every finished evaluation is already journaled.</param>
    /// <exception cref="SearchInterruptedException">Cancelled, or the node stopped, before the run completed.
    /// </exception>
    /// <exception cref="RunAbortedException">The run refused to continue (e.g. a resume whose seed or search space
    /// differ from the journal's), or its journal failed.</exception>
    public async Task<RunCompleted> RunAsync(IEnumerable<IActorRef> listeners, CancellationToken cancellation)
    {
        var (engine, files) = (_plan.Engine, _plan.Files);
        var run = _host.RunAsync(files.Settings(engine), _recorded, engine.LocalSlots, files, _plan.SummaryConfig,
            listeners);
        var interrupted = Task.WhenAny(Task.Delay(Timeout.Infinite, cancellation), System.WhenTerminated);
        await Task.WhenAny(run, interrupted);
        if (!run.IsCompleted)
        {
            await _host.DisposeAsync(); // stop evaluating now: nothing may finish after we report "interrupted"
            if (!run.IsCompletedSuccessfully) throw new SearchInterruptedException(_plan.RunId);
        }
        return await run;
    }

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        _lock.Dispose();
    }
}

/// <summary>The run stopped before it completed; everything it finished is journaled, so it can be resumed.</summary>
public sealed class SearchInterruptedException(string runId)
    : OperationCanceledException($"run '{runId}' was interrupted; everything finished is journaled")
{
    public string RunId { get; } = runId;
}
