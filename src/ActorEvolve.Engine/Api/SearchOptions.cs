using ActorEvolve.Core.Fitness;
using ActorEvolve.Core.Genes;
using ActorEvolve.Engine.Configuration;
using ActorEvolve.Engine.Results;

namespace ActorEvolve.Engine;

/// <summary>What <see cref="Search.RunAsync"/> runs. Every setting not given here comes from <see cref="Hocon"/>, then
/// from the defaults in hocon/actorevolve.conf beside the program (GA, engine, journal): the keys the command line
/// reads, so a run can be configured in code, in HOCON, or both (the properties here win).</summary>
public sealed record SearchOptions
{
    /// <summary>Names the run: its folder under <see cref="StateDirectory"/> and its place in the journal.</summary>
    public required string RunId { get; init; }

    /// <summary>The genes a genome is made of. When null, <c>actorevolve.search-space</c> in <see cref="Hocon"/>
    /// declares them (only there: the built-in MLP's default genes are not mixed in).</summary>
    public SearchSpace? Space { get; init; }

    /// <summary>Continue the run where its journal stops instead of starting it; the same seed, GA settings and
    /// search space are required.</summary>
    public bool Resume { get; init; }

    public long? Seed { get; init; }
    public int? Population { get; init; }
    public int? Generations { get; init; }

    /// <summary>Where run folders and the default SQLite journal live (default: ./runs).</summary>
    public string? StateDirectory { get; init; }

    /// <summary>Evaluations this process runs at once (default: one per core); 0 leaves training to trainer nodes
    /// that join.</summary>
    public int? TrainerSlots { get; init; }

    /// <summary>Any other setting, as HOCON over the defaults, e.g. <c>actorevolve.ga.tournament = 3</c> or
    /// <c>akka.remote.dot-netty.tcp.port = 4053</c> (a fixed port for trainer nodes to join).</summary>
    public string Hocon { get; init; } = "";

    /// <summary>The run's plan: its configuration resolved and checked. Throws <see cref="ConfigException"/> (one
    /// line) for anything invalid.</summary>
    public RunPlan Plan(IFitnessFunction fitness)
    {
        string[] overrides = [Hocon, .. TypedOverrides(),
            $"actorevolve.fitness = {HoconLoader.Quote($"dotnet:{fitness.GetType().FullName}")}"];
        var config = HoconLoader.Load([], overrides, "SearchOptions");
        var engine = EngineSettings.From(config) with { Space = Space ?? DeclaredSpace() };
        if (!RunFiles.IsRunId(RunId))
            throw new ConfigException($"run id '{RunId}' cannot be a folder name");
        var files = new RunFiles(Path.GetFullPath(Path.Combine(engine.StateDirectory, RunId)));
        var runConfig = string.Join("\n", [
            "# The settings this run was started with (SearchOptions), on top of hocon/actorevolve.conf.",
            .. overrides, .. engine.Space.Genes.Select(g => $"# search space: {g.Describe()}")]);
        return new RunPlan(config, engine, files, runConfig, Resume, RunPlan.EngineSummary(config, engine));
    }

    IEnumerable<string> TypedOverrides()
    {
        if (Seed is { } seed) yield return $"actorevolve.seed = {seed}";
        if (Population is { } population) yield return $"actorevolve.ga.population = {population}";
        if (Generations is { } generations) yield return $"actorevolve.ga.generations = {generations}";
        if (StateDirectory is { } dir)
            yield return $"actorevolve.state-dir = {HoconLoader.Quote(Path.GetFullPath(dir))}";
        if (TrainerSlots is < 0) throw new ConfigException($"TrainerSlots must be 0 or more (got {TrainerSlots})");
        if (TrainerSlots == 0) yield return "actorevolve.engine.local-trainers = off";
        else if (TrainerSlots is { } slots) yield return $"actorevolve.engine.trainer-slots = {slots}";
    }

    SearchSpace DeclaredSpace()
    {
        var declared = HoconLoader.Parse(Hocon, "SearchOptions.Hocon");
        return declared.GetValue("actorevolve.search-space") is null
            ? throw new ConfigException(
                "no search space: set SearchOptions.Space or declare actorevolve.search-space in SearchOptions.Hocon")
            : SearchSpaceParser.Parse(SettingsReader.Of(declared, "actorevolve.search-space"));
    }
}
