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
    public static TrainingConfig From(Config config)
    {
        var root = SettingsReader.Of(config, "actorevolve");
        var training = root.Section("training");
        var dataset = ReadDataset(root.Section("dataset"));
        var budgetName = training.String("budget");
        var budget = training.Section("budgets").OptionalSection(budgetName) ?? throw new ConfigException(
            $"unknown training budget '{budgetName}' (define it under actorevolve.training.budgets)");
        // A budget may size itself per dataset (budgets.full.cifar10 { train-samples = 40000 }).
        if (budget.OptionalSection(DatasetSplits.Kind(dataset.Name)) is { } own) budget = own.Over(budget);
        var trainingBudget = EngineSettings.Validated(() => new TrainingBudget(budgetName,
            budget.Int("train-samples"), budget.Int("validation-samples"), budget.Int("max-epochs"),
            budget.Int("patience"), budget.Int("batch-size"), budget.Double("dropout")).Validated());
        return new TrainingConfig(trainingBudget, training.String("device"), training.Long("split-seed"), dataset,
            training.Bool("score-test-set"));
    }

    static IDataset ReadDataset(SettingsReader dataset)
    {
        var name = dataset.String("name");
        var dir = dataset.String("dir", "");
        IDataset Published(DatasetSource source) =>
            new PublishedDataset(source, dir == "" ? null : dir, DatasetLocator.DefaultCacheDirectory);
        var (target, testData) = (dataset.String("target", ""), dataset.String("test-data", ""));
        if (name.StartsWith(CsvDataset.Prefix, StringComparison.Ordinal))
        {
            var testShare = dataset.Double("test-share");
            if (testShare is <= 0 or >= 1)
                throw new ConfigException($"invalid configuration: {dataset.KeyOf("test-share")} must be in (0, 1), " +
                                          $"got {testShare}");
            return new CsvDataset(name[CsvDataset.Prefix.Length..], target, testData == "" ? null : testData,
                testShare);
        }
        if (target != "" || testData != "")
            throw new ConfigException($"--target and --test-data are for --dataset csv:FILE, not '{name}'");
        return name switch
        {
            "fashion-mnist" => Published(DatasetSource.FashionMnist(dataset.String("fashion-mnist-mirror"))),
            "mnist" => Published(DatasetSource.Mnist(dataset.String("mnist-mirror"))),
            "cifar10" => Published(DatasetSource.Cifar10(dataset.String("cifar10-mirror"))),
            _ => throw new ConfigException($"unknown dataset '{name}' (use fashion-mnist, mnist, cifar10 or csv:FILE)"),
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
        var device = EngineSettings.Validated(() => TorchRuntime.ResolveDevice(Device));
        return new MlpFitnessFunction(await Dataset.LoadAsync(Budget, SplitSeed, cancellation), Budget, device,
            ScoreTestSet);
    }
}
