using Akka.Configuration;
using ActorEvolve.Core.Fitness;
using ActorEvolve.Core.Genes;
using ActorEvolve.Engine.Configuration;
using ActorEvolve.Training.Tables;

namespace ActorEvolve.Cli.Composition;

/// <summary>What scores a genome (<c>actorevolve.fitness</c>): MLP training, or a recorded table.</summary>
public static class FitnessConfig
{
    public const string TablePrefix = "table:";

    public static bool IsTable(Config config) => config.GetString("actorevolve.fitness").StartsWith(TablePrefix, StringComparison.Ordinal);

    /// <summary>Validates the space for the chosen fitness, then builds it (loading the dataset once for the node).</summary>
    public static async Task<IFitnessFunction> CreateAsync(Config config, SearchSpace space, CancellationToken cancellation)
    {
        var fitness = config.GetString("actorevolve.fitness");
        if (IsTable(config))
        {
            var delay = EngineSettings.Read(() => config.GetTimeSpan("actorevolve.table-delay"));
            return new TableFitness(fitness[TablePrefix.Length..], space, delay);
        }
        if (fitness != "mlp") throw new ConfigException($"unknown fitness '{fitness}' (use mlp or table:FILE.csv)");
        TrainingConfig.ValidateSpace(space);
        return await TrainingConfig.From(config).CreateFitnessAsync(cancellation);
    }
}
