using ActorEvolve.Core.Randomness;

namespace ActorEvolve.Training.Data;

/// <summary>Images as flattened features scaled to [0, 1], with their labels. Immutable, so one instance is
/// shared by every trainer slot of a node.</summary>
public sealed class ImageDataset
{
    public float[] Features { get; }
    public long[] Labels { get; }
    public int Count => Labels.Length;
    public int FeatureCount { get; }

    public ImageDataset(float[] features, long[] labels, int featureCount)
    {
        if (features.Length != (long)labels.Length * featureCount)
            throw new ArgumentException("features and labels disagree on the sample count");
        Features = features; Labels = labels; FeatureCount = featureCount;
    }

    public static ImageDataset FromIdx(string imagesPath, string labelsPath, int classes)
    {
        var (pixels, count, rows, columns) = IdxReader.ReadImages(imagesPath);
        var labels = IdxReader.ReadLabels(labelsPath, classes);
        if (labels.Length != count)
            throw new DatasetException(
                $"{labelsPath}: {labels.Length} labels for {count} images in {Path.GetFileName(imagesPath)}");
        var features = new float[pixels.Length];
        for (var i = 0; i < pixels.Length; i++) features[i] = pixels[i] / 255f;
        return new ImageDataset(features, labels.Select(l => (long)l).ToArray(), rows * columns);
    }

    public ImageDataset Select(IReadOnlyList<int> indices)
    {
        var features = new float[indices.Count * FeatureCount];
        for (var i = 0; i < indices.Count; i++)
            Array.Copy(Features, (long)indices[i] * FeatureCount, features, (long)i * FeatureCount, FeatureCount);
        return new ImageDataset(features, indices.Select(i => Labels[i]).ToArray(), FeatureCount);
    }

    /// <summary>Each feature as z-score with the given per-feature mean and standard deviation.</summary>
    public ImageDataset Standardised(IReadOnlyList<double> mean, IReadOnlyList<double> std)
    {
        var features = new float[Features.Length];
        for (var i = 0; i < features.Length; i++)
        {
            var f = i % FeatureCount;
            features[i] = (float)((Features[i] - mean[f]) / std[f]);
        }
        return new ImageDataset(features, Labels, FeatureCount);
    }

    /// <summary>Carves a validation split out of this (training) set with a seeded shuffle, so every node of a
    /// cluster and every resumed run sees exactly the same split.</summary>
    /// <returns>the training part, the validation part, and both together (what the final model trains on).</returns>
    public (ImageDataset Train, ImageDataset Validation, ImageDataset Both) Split(int trainCount, int validationCount,
        long seed)
    {
        if (trainCount + validationCount > Count)
            throw new DatasetException($"asked for {trainCount} training + {validationCount} validation samples " +
                $"but the training set has {Count}");
        var order = DeterministicRng.Derive(seed, "validation-split").Permutation(Count);
        var train = order[..trainCount];
        var validation = order[trainCount..(trainCount + validationCount)];
        return (Select(train), Select(validation), Select([.. train, .. validation]));
    }
}
