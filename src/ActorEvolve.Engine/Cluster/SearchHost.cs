using Akka.Actor;
using Akka.Configuration;
using ActorEvolve.Core.Fitness;
using ActorEvolve.Engine.Actors;
using ActorEvolve.Engine.Persistence;
using ActorEvolve.Engine.Results;
using ActorEvolve.Engine.Protocol;
using ActorEvolve.Engine.Configuration;
using ActorEvolve.Engine.Logging;

namespace ActorEvolve.Engine.Cluster;

/// <summary>
/// Runs one search: an actor system that is a cluster of its own (roles population and, unless it has no local
/// trainers, trainer) which trainer nodes can join, its own trainer slots, the PopulationActor and its listeners.
/// Completes when the run completes.
/// </summary>
public sealed class SearchHost : IAsyncDisposable
{
    public const string SystemName = "actorevolve";

    public ActorSystem System { get; }

    readonly IFitnessFunction _fitness;

    SearchHost(ActorSystem system, IFitnessFunction fitness)
    {
        System = system;
        _fitness = fitness;
    }

    /// <summary>The node of one run on this machine, as <c>search</c>, <c>resume</c> and <see cref="Search"/> start
    /// it: Akka's own log lines in the run folder (not through the live view or the program's output), roles
    /// population and, with slots of its own, trainer. A port that is taken or an address this machine does not
    /// have is bad input (<see cref="ConfigException"/>), not a crash.</summary>
    public static async Task<SearchHost> StartForRunAsync(Config config, EngineSettings engine, RunFiles files,
        IFitnessFunction fitness)
    {
        var roles = engine.LocalSlots > 0 ? "population, trainer" : "population";
        var nodeConfig = FileLogger.LogTo(files.Log,
            ConfigurationFactory.ParseString($"akka.cluster.roles = [{roles}]").WithFallback(config));
        try
        {
            return await StartAsync(nodeConfig, engine.Journal, fitness, TimeSpan.FromSeconds(30));
        }
        catch (Exception e) when (e is not ConfigException && RemotingEndpoint.IsBindFailure(e))
        {
            throw RemotingEndpoint.BindFailure(config, e);
        }
    }

    public static async Task<SearchHost> StartAsync(Config config, JournalSettings journal, IFitnessFunction fitness,
        TimeSpan joinTimeout)
    {
        var system = ActorSystem.Create(SystemName, ClusterSecurity.Setup(journal.ToAkkaConfig().WithFallback(config)));
        var cluster = Akka.Cluster.Cluster.Get(system);
        var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        cluster.RegisterOnMemberUp(() => up.TrySetResult());
        cluster.Join(cluster.SelfAddress);
        if (await Task.WhenAny(up.Task, Task.Delay(joinTimeout)) != up.Task)
        {
            await system.Terminate();
            throw new TimeoutException($"the node did not come up within {joinTimeout}");
        }
        return new SearchHost(system, fitness);
    }

    /// <summary>Starts (or, with <paramref name="resume"/>, continues) the run; completes when it has completed and
    /// its results are written, or fails with <see cref="RunAbortedException"/>.</summary>
    /// <param name="localSlots">Trainer slots on this node; 0: only trainer nodes that join train.</param>
    public Task<RunCompleted> RunAsync(RunSettings settings, bool resume, int localSlots, RunFiles files,
        SummarySettings config, IEnumerable<IActorRef> listeners)
    {
        if (localSlots > 0) TrainerNodeHost.StartSlots(System, _fitness, localSlots,
            Path.GetDirectoryName(files.Directory));
        var completion = new TaskCompletionSource<RunCompleted>(TaskCreationOptions.RunContinuationsAsynchronously);
        var writer = System.ActorOf(ResultsWriter.Props(files, settings, config, completion), "results");
        var population = System.ActorOf(RunActor.Props(settings, resume, [.. listeners, writer]),
            "population");
        // A stop ends the run before the trainer slots (a later phase): its GenomeActors cancel their trainings
        // and stop, rather than see their trainers go and score their genomes as failed.
        CoordinatedShutdown.Get(System).AddTask(CoordinatedShutdown.PhaseBeforeServiceUnbind, "stop-run", async () =>
        {
            await population.GracefulStop(TrainerNodeHost.StopTimeout);
            return Akka.Done.Instance;
        });
        return completion.Task;
    }

    public async ValueTask DisposeAsync()
    {
        // Lowered before the shutdown starts: Akka's stdout logger takes over from the file logger while the system
        // stops, and its last INFO lines (remoting shut down) would land in the user's output.
        System.EventStream.SetLogLevel(Akka.Event.LogLevel.WarningLevel);
        await CoordinatedShutdown.Get(System).Run(CoordinatedShutdown.ClrExitReason.Instance);
    }
}
