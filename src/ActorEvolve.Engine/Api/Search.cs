using Akka.Actor;
using ActorEvolve.Core.Evolution;
using ActorEvolve.Core.Fitness;
using ActorEvolve.Engine.Cluster;
using ActorEvolve.Engine.Configuration;
using ActorEvolve.Engine.Results;
using ActorEvolve.Engine.Protocol;

namespace ActorEvolve.Engine;

/// <summary>
/// Evolves genomes scored by your own <see cref="IFitnessFunction"/>, with everything a command-line search has: every
/// evaluation journaled, exact resume (<see cref="SearchOptions.Resume"/>), trainer nodes that can join, and the run
/// folder (results.csv, summary.json, run.conf, the log).
/// </summary>
public static class Search
{
    /// <summary>Runs (or resumes) a search to its end.</summary>
    /// <param name="fitness">Called from several threads at once, one call per trainer slot.</param>
    /// <param name="onEvent">Called for every <see cref="RunEvent"/> (generation started, evaluation recorded,
    /// generation completed, ...), one at a time and in order.</param>
    /// <param name="cancellation">Stops the search gracefully; it then throws <see cref="SearchInterruptedException"/>
    /// and the run can be resumed.</param>
    /// <exception cref="ConfigException">Invalid options or HOCON, an unusable journal, a taken port, a
    /// run that exists (or, to resume, does not), or a resume with another seed, GA or search space.</exception>
    public static async Task<SearchResult> RunAsync(SearchOptions options, IFitnessFunction fitness,
        Action<RunEvent>? onEvent = null, CancellationToken cancellation = default)
    {
        var plan = options.Plan(fitness);
        await using var session = await SearchSession.StartAsync(plan, fitness);
        IActorRef[] listeners = onEvent is null ? [] : [session.System.ActorOf(EventCallback.Props(onEvent), "events")];
        try
        {
            var completed = await session.RunAsync(listeners, cancellation);
            return new SearchResult(plan.RunId, plan.Files.Directory, completed.Winner, completed.Test, completed.Top,
                completed.History, completed.Front);
        }
        catch (RunAbortedException aborted) when (aborted.BadInput)
        {
            throw new ConfigException(aborted.Message);
        }
    }

    /// <summary>Makes this process a trainer node of the search whose coordinator listens on
    /// <paramref name="host"/>:<paramref name="port"/> (<c>akka.remote.dot-netty.tcp</c> in its
    /// <see cref="SearchOptions.Hocon"/>): it evaluates with its own <paramref name="fitness"/> (give it the same one
    /// as the search) until <paramref name="cancellation"/>, and rejoins when the coordinator is resumed.</summary>
    /// <exception cref="ConfigException">No coordinator let it in within
    /// <see cref="TrainerOptions.JoinTimeout"/>, or invalid options.</exception>
    public static async Task JoinAsync(string host, int port, IFitnessFunction fitness, TrainerOptions? options = null,
        CancellationToken cancellation = default)
    {
        options ??= new TrainerOptions();
        var config = options.Config();
        var slots = EngineSettings.From(config).TrainerSlots;
        await TrainerNodeHost.ServeAsync(config, fitness, slots, TrainerNodeHost.CoordinatorAddress(config, host, port),
            options.JoinTimeout, joined: null, lost: null, cancellation);
    }

    /// <summary>Hands the run's events to the caller's callback, in order.</summary>
    sealed class EventCallback : ReceiveActor
    {
        public EventCallback(Action<RunEvent> callback) => Receive<RunEvent>(callback);

        public static Props Props(Action<RunEvent> callback) =>
            Akka.Actor.Props.Create(() => new EventCallback(callback));
    }
}

/// <summary>The outcome of a completed search.</summary>
/// <param name="Directory">The run folder: results.csv, summary.json, run.conf, actorevolve.log.</param>
/// <param name="Winner">The best genome of the run and its fitness.</param>
/// <param name="Test">The winner's score from <see cref="IFitnessFunction.EvaluateOnTestSet"/>; null when the fitness
/// has no test set.</param>
/// <param name="Top">The ten best genomes of the run, best first.</param>
/// <param name="History">Best, mean and worst fitness of every generation.</param>
/// <param name="Front">With two objectives, the Pareto front (most accurate first), its tested members with their
/// test score; null for one objective.</param>
public sealed record SearchResult(string RunId, string Directory, ScoredGenome Winner, FitnessResult? Test,
    IReadOnlyList<ScoredGenome> Top, IReadOnlyList<GenerationSummary> History,
    IReadOnlyList<FrontMember>? Front = null);
