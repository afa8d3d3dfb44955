using ActorEvolve.Tests.Shared;
using ActorEvolve.Training.Data;

namespace ActorEvolve.Training.Tests;

/// <summary>The CIFAR-10 binary reader, on files written in the exact format.</summary>
public sealed class CifarReaderTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("actorevolve-cifar-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Reads_labels_and_the_red_green_blue_planes_scaled_to_the_unit_interval()
    {
        CifarFiles.WriteAll(_dir, images: 12);
        var (train, test) = CifarReader.Read(_dir);
        Assert.Equal((60, 12, 3072), (train.Count, test.Count, train.FeatureCount));

        // Image 3 of data_batch_2 is the 15th training image: its bytes, in file order, over 255.
        var batch = CifarFiles.Batch(12, seed: 1);
        var record = batch.AsSpan(3 * 3073, 3073);
        Assert.Equal(3, train.Labels[15]);
        foreach (var pixel in new[] { 0, 1023, 1024, 2047, 2048, 3071 }) // first and last red, green, blue
            Assert.Equal(record[1 + pixel] / 255f, train.Features[15 * 3072 + pixel]);
        Assert.All(train.Features, v => Assert.InRange(v, 0f, 1f));
        Assert.Equal(Enumerable.Range(0, 12).Select(i => (long)(i % 10)), test.Labels);
    }

    [Fact]
    public void A_truncated_file_is_one_line_naming_it()
    {
        CifarFiles.WriteAll(_dir, images: 4);
        var path = Path.Combine(_dir, "data_batch_3.bin");
        File.WriteAllBytes(path, File.ReadAllBytes(path)[..(3 * 3073 + 100)]);
        var error = Assert.Throws<DatasetException>(() => CifarReader.Read(_dir));
        Assert.Equal($"{path}: 9,319 bytes is not a whole number of 3,073-byte CIFAR-10 records (truncated or not " +
                     "a CIFAR-10 batch)", error.Message);
    }

    [Fact]
    public void A_batch_cut_at_an_image_boundary_or_a_bad_label_or_a_missing_file_is_refused()
    {
        CifarFiles.WriteAll(_dir, images: 4);
        var cut = Path.Combine(_dir, "data_batch_5.bin");
        File.WriteAllBytes(cut, File.ReadAllBytes(cut)[..(3 * 3073)]);
        Assert.StartsWith($"{cut}: 3 images, but test_batch.bin has 4",
            Assert.Throws<DatasetException>(() => CifarReader.Read(_dir)).Message);

        var labelled = Path.Combine(_dir, "test_batch.bin");
        var bytes = File.ReadAllBytes(labelled);
        bytes[3073] = 10;
        File.WriteAllBytes(labelled, bytes);
        Assert.Equal($"{labelled}: image 2 has label 10, outside 0..9",
            Assert.Throws<DatasetException>(() => CifarReader.Read(_dir)).Message);

        File.Delete(labelled);
        Assert.Equal($"{labelled}: file not found",
            Assert.Throws<DatasetException>(() => CifarReader.Read(_dir)).Message);
    }

    [Fact]
    public void The_built_in_splits_follow_the_budget_and_refuse_one_the_data_cannot_fill()
    {
        CifarFiles.WriteAll(_dir, images: 20);
        var budget = new TrainingBudget("tiny", 60, 30, 1, 1, 16, 0.2);
        var splits = DatasetSplits.Load(DatasetSource.Cifar10(), _dir, budget, splitSeed: 7);
        Assert.Equal((60, 30, 90, 20, 10), (splits.Train.Count, splits.Validation.Count, splits.FullTrain.Count,
            splits.Test.Count, splits.Classes));

        var error = Assert.Throws<DatasetException>(() =>
            DatasetSplits.Load(DatasetSource.Cifar10(), _dir, budget with { TrainSamples = 90 }, splitSeed: 7));
        Assert.Equal("cifar10: budget 'tiny' asks for 90 training + 30 validation samples, but the training data has " +
                     "100; use a smaller budget (actorevolve.training.budgets.tiny.cifar10 can set the sizes for " +
                     "this dataset alone)", error.Message);
    }
}
