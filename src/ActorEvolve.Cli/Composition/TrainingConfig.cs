using Akka.Configuration;
using ActorEvolve.Core.Genes;
using ActorEvolve.Engine.Configuration;
using ActorEvolve.Training.Data;
using ActorEvolve.Training.Torch;

namespace ActorEvolve.Cli.Composition;

/// <summary>The training and dataset part of the configuration, and the fitness function built from it.</summary>
/// <param name="ScoreTestSet">Report every genome's test accuracy too (brute force's grid does).</param>
public sealed record TrainingConfig(TrainingBudget Budget, string Device, long SplitSeed, DatasetSource Dataset, string? DataDirectory,
    bool ScoreTestSet)
{
    public static TrainingConfig From(Config config) => EngineSettings.Read(() =>
    {
        var training = config.GetConfig("actorevolve.training");
        var budgetName = training.GetString("budget");
        var budget = training.GetConfig($"budgets.{budgetName}")
                     ?? throw new ArgumentException($"unknown training budget '{budgetName}' (define it under actorevolve.training.budgets)");
        var dataset = config.GetConfig("actorevolve.dataset");
        var name = dataset.GetString("name");
        var source = name switch
        {
            "fashion-mnist" => DatasetSource.FashionMnist(dataset.GetString("fashion-mnist-mirror")),
            "mnist" => DatasetSource.Mnist(dataset.GetString("mnist-mirror")),
            _ => throw new ArgumentException($"unknown dataset '{name}' (use fashion-mnist or mnist)"),
        };
        var dir = dataset.GetString("dir", "");
        return new TrainingConfig(
            new TrainingBudget(budgetName, budget.GetInt("train-samples"), budget.GetInt("validation-samples"),
                budget.GetInt("max-epochs"), budget.GetInt("patience"), budget.GetInt("batch-size"), budget.GetDouble("dropout")).Validated(),
            training.GetString("device"), training.GetLong("split-seed"), source, dir == "" ? null : dir,
            training.GetBoolean("score-test-set"));
    });

    /// <summary>Checks that the MLP trainer can train every genome of the space, before anything starts.</summary>
    public static void ValidateSpace(SearchSpace space)
    {
        try
        {
            MlpSpec.ValidateSpace(space);
        }
        catch (SearchSpaceException e)
        {
            throw new ConfigException($"invalid search space: {e.Message}");
        }
    }

    /// <summary>Finds (or downloads) the dataset and loads it once for all of this node's trainer slots.</summary>
    public async Task<MlpFitnessFunction> CreateFitnessAsync(CancellationToken cancellation)
    {
        var device = EngineSettings.Read(() => TorchRuntime.ResolveDevice(Device));
        var directory = await new DatasetLocator(Dataset, DataDirectory, DatasetLocator.DefaultCacheDirectory).LocateAsync(cancellation);
        return new MlpFitnessFunction(DatasetSplits.Load(directory, Budget, SplitSeed), Budget, device, ScoreTestSet);
    }
}
