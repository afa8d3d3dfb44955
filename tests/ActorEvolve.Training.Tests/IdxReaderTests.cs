using System.Buffers.Binary;
using System.IO.Compression;
using ActorEvolve.Training.Data;

namespace ActorEvolve.Training.Tests;

public sealed class IdxReaderTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("idx-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Reads_the_real_fashion_mnist_training_set()
    {
        var train = TestData.Train;
        Assert.Equal(60_000, train.Count);
        Assert.Equal(784, train.FeatureCount);
        Assert.All(Enumerable.Range(0, 10), c => Assert.Equal(6000, train.Labels.Count(l => l == c)));
        Assert.InRange(train.Features.Max(), 0.99f, 1f);
    }

    [Fact]
    public void Reads_plain_and_gzipped_files_alike()
    {
        var images = ImagesFile(count: 3, rows: 2, columns: 2);
        var plain = Write("plain-images", images, gzip: false);
        var gzipped = Write("gz-images", images, gzip: true);
        Assert.Equal(IdxReader.ReadImages(plain).Pixels, IdxReader.ReadImages(gzipped).Pixels);
    }

    [Fact]
    public void A_truncated_image_file_names_the_file_and_the_problem()
    {
        var images = ImagesFile(count: 3, rows: 2, columns: 2);
        var path = Write("truncated", images[..^2], gzip: true);
        var error = Assert.Throws<DatasetException>(() => IdxReader.ReadImages(path));
        Assert.Contains(path, error.Message);
        Assert.Contains("truncated", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void A_wrong_magic_number_is_rejected()
    {
        var path = Write("labels-as-images", LabelsFile([1, 2, 3]), gzip: false);
        Assert.Contains("bad magic number", Assert.Throws<DatasetException>(() => IdxReader.ReadImages(path)).Message);
    }

    [Fact]
    public void A_label_outside_the_classes_is_rejected()
    {
        var path = Write("labels", LabelsFile([1, 12, 3]), gzip: false);
        Assert.Contains("label 12 at index 1",
            Assert.Throws<DatasetException>(() => IdxReader.ReadLabels(path, 10)).Message);
    }

    [Fact]
    public void A_corrupt_gzip_stream_is_a_dataset_error()
    {
        var bytes = Compress(ImagesFile(50, 28, 28));
        for (var i = 20; i < bytes.Length; i++) bytes[i] ^= 0x5A;
        var path = Path.Combine(_dir, "corrupt.gz");
        File.WriteAllBytes(path, bytes);
        Assert.Contains(path, Assert.Throws<DatasetException>(() => IdxReader.ReadImages(path)).Message);
    }

    [Fact]
    public void Images_and_labels_must_agree_on_the_count()
    {
        var images = Write("i", ImagesFile(3, 2, 2), gzip: false);
        var labels = Write("l", LabelsFile([1, 2]), gzip: false);
        Assert.Contains("2 labels for 3 images",
            Assert.Throws<DatasetException>(() => ImageDataset.FromIdx(images, labels, 10)).Message);
    }

    [Fact]
    public void The_validation_split_is_disjoint_and_seeded()
    {
        var data = new ImageDataset(Enumerable.Range(0, 100).Select(i => (float)i).ToArray(),
            Enumerable.Range(0, 100).Select(i => (long)i).ToArray(), 1);
        var (train, validation, both) = data.Split(70, 20, seed: 5);
        Assert.Empty(train.Labels.Intersect(validation.Labels));
        Assert.Equal(90, both.Count);
        Assert.Equal(train.Labels, data.Split(70, 20, seed: 5).Train.Labels);
        Assert.NotEqual(train.Labels, data.Split(70, 20, seed: 6).Train.Labels);
    }

    static byte[] ImagesFile(int count, int rows, int columns)
    {
        var bytes = new byte[16 + count * rows * columns];
        BinaryPrimitives.WriteInt32BigEndian(bytes, 0x803);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), count);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(8), rows);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(12), columns);
        for (var i = 16; i < bytes.Length; i++) bytes[i] = (byte)(i * 7);
        return bytes;
    }

    static byte[] LabelsFile(byte[] labels)
    {
        var bytes = new byte[8 + labels.Length];
        BinaryPrimitives.WriteInt32BigEndian(bytes, 0x801);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), labels.Length);
        labels.CopyTo(bytes, 8);
        return bytes;
    }

    static byte[] Compress(byte[] bytes)
    {
        using var buffer = new MemoryStream();
        using (var gz = new GZipStream(buffer, CompressionLevel.Fastest)) gz.Write(bytes);
        return buffer.ToArray();
    }

    string Write(string name, byte[] bytes, bool gzip)
    {
        var path = Path.Combine(_dir, name + (gzip ? ".gz" : ""));
        File.WriteAllBytes(path, gzip ? Compress(bytes) : bytes);
        return path;
    }
}
