namespace ActorEvolve.Training.Data;

/// <summary>How much data a training uses: a named preset ("quick", "full") from HOCON.</summary>
public sealed record TrainingBudget(string Name, int TrainSamples, int ValidationSamples, int MaxEpochs, int Patience,
    int BatchSize, double Dropout)
{
    public TrainingBudget Validated()
    {
        if (TrainSamples < 1 || ValidationSamples < 1) throw new ArgumentException($"budget '{Name}': train-samples and validation-samples must be positive");
        if (MaxEpochs < 1 || Patience < 1 || BatchSize < 1) throw new ArgumentException($"budget '{Name}': max-epochs, patience and batch-size must be positive");
        if (Dropout is < 0 or >= 1) throw new ArgumentException($"budget '{Name}': dropout must be in [0, 1)");
        return this;
    }
}

/// <summary>The three sets a search uses, loaded once per node and shared read-only by its trainer slots:
/// fitness on <see cref="Validation"/>; the winner retrained on <see cref="FullTrain"/> (training + validation) and scored on <see cref="Test"/>.</summary>
public sealed record DatasetSplits(ImageDataset Train, ImageDataset Validation, ImageDataset FullTrain, ImageDataset Test, int Classes)
{
    public const int FashionMnistClasses = 10;

    public static DatasetSplits Load(string directory, TrainingBudget budget, long splitSeed)
    {
        string P(string file) => DatasetLocator.FilePath(directory, file);
        var train = ImageDataset.FromIdx(P("train-images-idx3-ubyte.gz"), P("train-labels-idx1-ubyte.gz"), FashionMnistClasses);
        var test = ImageDataset.FromIdx(P("t10k-images-idx3-ubyte.gz"), P("t10k-labels-idx1-ubyte.gz"), FashionMnistClasses);
        if (train.FeatureCount != test.FeatureCount)
            throw new DatasetException($"{directory}: training images have {train.FeatureCount} pixels but test images {test.FeatureCount}");
        var (fitTrain, validation, both) = train.Split(budget.TrainSamples, budget.ValidationSamples, splitSeed);
        return new DatasetSplits(fitTrain, validation, both, test, FashionMnistClasses);
    }
}
