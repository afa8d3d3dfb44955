using ActorEvolve.Training.Data;

namespace ActorEvolve.Training.Tests;

/// <summary>The real Fashion-MNIST files, found as a user's run finds them (Debian's dataset-fashion-mnist, which
/// .ci/run installs, else the user cache or a download), loaded once.</summary>
public static class TestData
{
    public static readonly string Directory =
        new DatasetLocator(DatasetSource.FashionMnist(), null, DatasetLocator.DefaultCacheDirectory)
            .LocateAsync().GetAwaiter().GetResult();

    static readonly Lazy<ImageDataset> TrainSet = new(() => ImageDataset.FromIdx(
        Path.Combine(Directory, "train-images-idx3-ubyte.gz"),
        Path.Combine(Directory, "train-labels-idx1-ubyte.gz"), 10));

    public static ImageDataset Train => TrainSet.Value;

    /// <summary>A small real subset: enough to learn, fast enough for a unit test.</summary>
    public static DatasetSplits Small(int train = 2000, int validation = 1000)
    {
        var (fit, val, both) = Train.Split(train, validation, seed: 1);
        return new DatasetSplits(fit, val, both, val, 10);
    }
}
