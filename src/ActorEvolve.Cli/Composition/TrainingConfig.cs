using Akka.Configuration;
using ActorEvolve.Core.Genes;
using ActorEvolve.Engine.Configuration;
using ActorEvolve.Training.Data;
using ActorEvolve.Training.Torch;

namespace ActorEvolve.Cli.Composition;

/// <summary>The training and dataset part of the configuration, and the fitness function built from it.</summary>
/// <param name="ScoreTestSet">Report every genome's test accuracy too (brute force's grid does).</param>
public sealed record TrainingConfig(TrainingBudget Budget, string Device, long SplitSeed, IDataset Dataset,
    bool ScoreTestSet)
{
    public static TrainingConfig From(Config config) => EngineSettings.Read(() =>
    {
        var training = config.GetConfig("actorevolve.training");
        var dataset = ReadDataset(config.GetConfig("actorevolve.dataset"));
        var budgetName = training.GetString("budget");
        var budget = training.GetConfig($"budgets.{budgetName}")
                     ?? throw new ArgumentException(
                         $"unknown training budget '{budgetName}' (define it under actorevolve.training.budgets)");
        // A budget may size itself per dataset (budgets.full.cifar10 { train-samples = 40000 }).
        if (budget.GetConfig(DatasetSplits.Kind(dataset.Name)) is { } own) budget = own.WithFallback(budget);
        return new TrainingConfig(
            new TrainingBudget(budgetName, budget.GetInt("train-samples"), budget.GetInt("validation-samples"),
                budget.GetInt("max-epochs"), budget.GetInt("patience"), budget.GetInt("batch-size"),
                budget.GetDouble("dropout")).Validated(),
            training.GetString("device"), training.GetLong("split-seed"), dataset,
            training.GetBoolean("score-test-set"));
    });

    static IDataset ReadDataset(Config dataset)
    {
        var name = dataset.GetString("name");
        var dir = dataset.GetString("dir", "");
        IDataset Published(DatasetSource source) =>
            new PublishedDataset(source, dir == "" ? null : dir, DatasetLocator.DefaultCacheDirectory);
        var (target, testData) = (dataset.GetString("target", ""), dataset.GetString("test-data", ""));
        if (name.StartsWith(CsvDataset.Prefix, StringComparison.Ordinal))
        {
            var testShare = dataset.GetDouble("test-share");
            if (testShare is <= 0 or >= 1)
                throw new ArgumentException($"actorevolve.dataset.test-share must be in (0, 1) (got {testShare})");
            return new CsvDataset(name[CsvDataset.Prefix.Length..], target, testData == "" ? null : testData,
                testShare);
        }
        if (target != "" || testData != "")
            throw new ArgumentException($"--target and --test-data are for --dataset csv:FILE, not '{name}'");
        return name switch
        {
            "fashion-mnist" => Published(DatasetSource.FashionMnist(dataset.GetString("fashion-mnist-mirror"))),
            "mnist" => Published(DatasetSource.Mnist(dataset.GetString("mnist-mirror"))),
            "cifar10" => Published(DatasetSource.Cifar10(dataset.GetString("cifar10-mirror"))),
            _ => throw new ArgumentException(
                $"unknown dataset '{name}' (use fashion-mnist, mnist, cifar10 or csv:FILE)"),
        };
    }

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
        return new MlpFitnessFunction(await Dataset.LoadAsync(Budget, SplitSeed, cancellation), Budget, device,
            ScoreTestSet);
    }
}
