namespace ActorEvolve.Tests.Shared;

/// <summary>Writes CIFAR-10 batches in the exact binary format (per image: a label byte, then 1,024 red, 1,024
/// green and 1,024 blue bytes, row by row): a small learnable stand-in for the real files, which cannot be fetched
/// here. Image i of a batch has label i % 10; its red plane is 20 x label + noise, the other planes noise.</summary>
public static class CifarFiles
{
    public const int Pixels = 3072;

    public static readonly string[] Names =
        ["data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin",
            "test_batch.bin"];

    public static byte[] Batch(int images, int seed)
    {
        var random = new Random(seed);
        var bytes = new byte[images * (1 + Pixels)];
        for (var i = 0; i < images; i++)
        {
            var record = bytes.AsSpan(i * (1 + Pixels), 1 + Pixels);
            record[0] = (byte)(i % 10);
            random.NextBytes(record[1..]);
            for (var p = 1; p <= 1024; p++) record[p] = (byte)(20 * record[0] + random.Next(10));
        }
        return bytes;
    }

    /// <summary>All six files in <paramref name="directory"/>, <paramref name="images"/> images each.</summary>
    public static string WriteAll(string directory, int images)
    {
        Directory.CreateDirectory(directory);
        for (var f = 0; f < Names.Length; f++) File.WriteAllBytes(Path.Combine(directory, Names[f]), Batch(images, f));
        return directory;
    }
}
