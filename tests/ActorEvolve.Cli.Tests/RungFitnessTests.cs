using ActorEvolve.Cli.Composition;
using ActorEvolve.Core.Fitness;
using ActorEvolve.Engine.Configuration;

namespace ActorEvolve.Cli.Tests;

/// <summary>Which fitness sources can train in rungs, as the composition builds them from the configuration.</summary>
public sealed class RungFitnessTests
{
    static readonly string Grids = Path.Combine(AppContext.BaseDirectory, "grids");

    static async Task<IFitnessFunction> Create(params string[] overrides)
    {
        var config = HoconLoader.Load(overrides: overrides);
        return await FitnessConfig.CreateAsync(config, EngineSettings.From(config).Space, CancellationToken.None);
    }

    [Fact]
    public async Task A_table_with_learning_curves_trains_in_rungs_with_the_configured_patience()
    {
        var table = Path.Combine(Grids, "fashion-mnist-curves.csv");
        var fitness = await Create($"actorevolve.fitness = {HoconLoader.Quote("table:" + table)}",
            "actorevolve.table-patience = 1");
        var rungs = FitnessConfig.ForRungs(fitness);
        Assert.Equal(9, rungs.MaxEpochs);
        // Recorded with patience 2: the first genome's loss rose in epoch 4, so patience 1 ends its training there.
        var genome = new Core.Genes.Genome(new Dictionary<string, string>
        {
            ["activation"] = "relu", ["nb_layers"] = "4", ["nb_neurons"] = "1024", ["optimizer"] = "adamax",
        });
        var result = rungs.EvaluateUpTo(genome, 9, null, new EvaluationContext(1, "t"), CancellationToken.None);
        Assert.Equal((0.7875, 4), (result.Accuracy, result.Curve!.Count));
    }
}
