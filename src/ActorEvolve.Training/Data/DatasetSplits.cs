namespace ActorEvolve.Training.Data;

/// <summary>How much data a training uses: a named preset ("quick", "full") from HOCON.</summary>
public sealed record TrainingBudget(string Name, int TrainSamples, int ValidationSamples, int MaxEpochs, int Patience,
    int BatchSize, double Dropout)
{
    public TrainingBudget Validated()
    {
        if (TrainSamples < 1 || ValidationSamples < 1)
            throw new ArgumentException($"budget '{Name}': train-samples and validation-samples must be positive");
        if (MaxEpochs < 1 || Patience < 1 || BatchSize < 1)
            throw new ArgumentException($"budget '{Name}': max-epochs, patience and batch-size must be positive");
        if (Dropout is < 0 or >= 1) throw new ArgumentException($"budget '{Name}': dropout must be in [0, 1)");
        return this;
    }
}

/// <summary>The three sets a search uses, loaded once per node and shared read-only by its trainer slots:
/// fitness on <see cref="Validation"/>; the winner retrained on <see cref="FullTrain"/> (training + validation) and
/// scored on <see cref="Test"/>.</summary>
public sealed record DatasetSplits(ImageDataset Train, ImageDataset Validation, ImageDataset FullTrain,
    ImageDataset Test, int Classes)
{
    /// <summary>Reads the files of <paramref name="source"/> in <paramref name="directory"/> and splits them.</summary>
    public static DatasetSplits Load(DatasetSource source, string directory, TrainingBudget budget, long splitSeed)
    {
        var (train, test) = source.Format switch
        {
            DatasetFormat.CifarBinary => CifarReader.Read(directory),
            _ => (Idx("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
                Idx("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")),
        };
        if (train.FeatureCount != test.FeatureCount)
            throw new DatasetException($"{directory}: training images have {train.FeatureCount} pixels but test " +
                                       $"images {test.FeatureCount}");
        return Split(source.Name, train, test, source.Classes, budget, splitSeed);

        ImageDataset Idx(string images, string labels) => ImageDataset.FromIdx(
            DatasetLocator.FilePath(directory, images), DatasetLocator.FilePath(directory, labels), source.Classes);
    }

    /// <summary>Carves the budget's training and validation samples out of <paramref name="train"/> (seeded by the
    /// split seed, the same on every node and resume). A budget that asks for more than there is is refused, not
    /// shrunk: the run would not be the run the budget describes.</summary>
    public static DatasetSplits Split(string name, ImageDataset train, ImageDataset test, int classes,
        TrainingBudget budget, long splitSeed)
    {
        if (budget.TrainSamples + budget.ValidationSamples > train.Count)
            throw new DatasetException(
                $"{name}: budget '{budget.Name}' asks for {budget.TrainSamples:N0} training + " +
                $"{budget.ValidationSamples:N0} validation samples, but the training data has {train.Count:N0}; " +
                $"use a smaller budget (actorevolve.training.budgets.{budget.Name}.{Kind(name)} can set the " +
                "sizes for this dataset alone)");
        var (fitTrain, validation, both) = train.Split(budget.TrainSamples, budget.ValidationSamples, splitSeed);
        return new DatasetSplits(fitTrain, validation, both, test, classes);
    }

    /// <summary>The dataset's kind, as per-dataset budget blocks are named: cifar10, csv, fashion-mnist, mnist.
    /// </summary>
    public static string Kind(string name) =>
        name.StartsWith(CsvDataset.Prefix, StringComparison.Ordinal) ? "csv" : name;
}

/// <summary>What the MLP trainer learns from (<c>actorevolve.dataset</c>): image files found on disk or
/// downloaded, or a user's CSV table. Loaded once per node.</summary>
public interface IDataset
{
    /// <summary>How the run's summary names it: fashion-mnist, mnist, cifar10, csv:FILE.</summary>
    string Name { get; }

    Task<DatasetSplits> LoadAsync(TrainingBudget budget, long splitSeed, CancellationToken cancellation);
}

/// <summary>A published image dataset: located (or downloaded) by <see cref="DatasetLocator"/>, then read.</summary>
public sealed class PublishedDataset(DatasetSource source, string? directory, string cacheDirectory) : IDataset
{
    public string Name => source.Name;

    public async Task<DatasetSplits> LoadAsync(TrainingBudget budget, long splitSeed, CancellationToken cancellation)
    {
        var found = await new DatasetLocator(source, directory, cacheDirectory).LocateAsync(cancellation);
        return DatasetSplits.Load(source, found, budget, splitSeed);
    }
}
