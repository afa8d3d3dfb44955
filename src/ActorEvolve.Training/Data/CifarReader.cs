namespace ActorEvolve.Training.Data;

/// <summary>Reads the binary version of CIFAR-10: each batch file is a run of 3,073-byte records, one label byte
/// (0..9) then 3,072 pixel bytes, the 1,024 red values, then green, then blue, each a 32x32 image row by row.
/// Features are the pixels in that order scaled to [0, 1]. Everything a damaged file could get wrong is checked.
/// </summary>
public static class CifarReader
{
    public const int Pixels = 32 * 32 * 3, RecordSize = 1 + Pixels, Classes = 10;

    public static readonly string[] TrainFiles =
        ["data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin"];
    public const string TestFile = "test_batch.bin";
    public static readonly string[] Files = [.. TrainFiles, TestFile];

    /// <summary>The five training batches as one set, and the test batch. Every batch must hold as many images as
    /// the test batch (10,000 in the official files), so a file cut at a record boundary is caught too.</summary>
    public static (ImageDataset Train, ImageDataset Test) Read(string directory)
    {
        var test = ReadBatch(Path.Combine(directory, TestFile));
        var batches = TrainFiles.Select(f => Path.Combine(directory, f)).Select(path =>
        {
            var batch = ReadBatch(path);
            return batch.Count == test.Count ? batch
                : throw new DatasetException($"{path}: {batch.Count:N0} images, but {TestFile} has {test.Count:N0} " +
                                             "(every CIFAR-10 batch has the same number; truncated?)");
        }).ToArray();
        var features = new float[batches.Sum(b => (long)b.Features.Length)];
        var offset = 0L;
        foreach (var batch in batches)
        {
            Array.Copy(batch.Features, 0, features, offset, batch.Features.Length);
            offset += batch.Features.Length;
        }
        return (new ImageDataset(features, batches.SelectMany(b => b.Labels).ToArray(), Pixels), test);
    }

    public static ImageDataset ReadBatch(string path)
    {
        if (!File.Exists(path)) throw new DatasetException($"{path}: file not found");
        byte[] data;
        try
        {
            data = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DatasetException($"{path}: cannot read ({e.Message.TrimEnd('.')})");
        }
        if (data.Length == 0 || data.Length % RecordSize != 0)
            throw new DatasetException($"{path}: {data.Length:N0} bytes is not a whole number of " +
                                       $"{RecordSize:N0}-byte CIFAR-10 records (truncated or not a CIFAR-10 batch)");
        var count = data.Length / RecordSize;
        var features = new float[count * Pixels];
        var labels = new long[count];
        for (var i = 0; i < count; i++)
        {
            var record = data.AsSpan(i * RecordSize, RecordSize);
            if (record[0] >= Classes)
                throw new DatasetException($"{path}: image {i + 1} has label {record[0]}, outside 0..{Classes - 1}");
            labels[i] = record[0];
            var pixels = features.AsSpan(i * Pixels, Pixels);
            for (var p = 0; p < Pixels; p++) pixels[p] = record[1 + p] / 255f;
        }
        return new ImageDataset(features, labels, Pixels);
    }
}
