using System.Buffers.Binary;
using System.IO.Compression;

namespace ActorEvolve.Training.Data;

/// <summary>Reads the IDX format of MNIST and Fashion-MNIST (optionally gzipped), validating everything a
/// damaged download could get wrong: magic number, dimensions, counts and label range.</summary>
public static class IdxReader
{
    const int ImagesMagic = 0x00000803; // unsigned byte, 3 dimensions
    const int LabelsMagic = 0x00000801; // unsigned byte, 1 dimension

    public static (byte[] Pixels, int Count, int Rows, int Columns) ReadImages(string path)
    {
        var data = ReadAll(path);
        if (data.Length < 16 || BinaryPrimitives.ReadInt32BigEndian(data) != ImagesMagic)
            throw new DatasetException($"{path}: not an IDX image file (bad magic number)");
        var count = BinaryPrimitives.ReadInt32BigEndian(data.AsSpan(4));
        var rows = BinaryPrimitives.ReadInt32BigEndian(data.AsSpan(8));
        var columns = BinaryPrimitives.ReadInt32BigEndian(data.AsSpan(12));
        if (count <= 0 || rows <= 0 || columns <= 0 || rows > 4096 || columns > 4096)
            throw new DatasetException($"{path}: implausible dimensions {count}x{rows}x{columns}");
        var expected = 16L + (long)count * rows * columns;
        if (data.Length != expected)
            throw new DatasetException($"{path}: expected {expected} bytes for {count} images of {rows}x{columns}, " +
                $"found {data.Length} (truncated or corrupt)");
        return (data[16..], count, rows, columns);
    }

    public static byte[] ReadLabels(string path, int classes)
    {
        var data = ReadAll(path);
        if (data.Length < 8 || BinaryPrimitives.ReadInt32BigEndian(data) != LabelsMagic)
            throw new DatasetException($"{path}: not an IDX label file (bad magic number)");
        var count = BinaryPrimitives.ReadInt32BigEndian(data.AsSpan(4));
        if (count <= 0 || data.Length != 8L + count)
            throw new DatasetException($"{path}: header says {count} labels but the file holds {data.Length - 8} " +
                "(truncated or corrupt)");
        var labels = data[8..];
        var bad = Array.FindIndex(labels, l => l >= classes);
        if (bad >= 0)
            throw new DatasetException($"{path}: label {labels[bad]} at index {bad} is outside 0..{classes - 1}");
        return labels;
    }

    static byte[] ReadAll(string path)
    {
        if (!File.Exists(path)) throw new DatasetException($"{path}: file not found");
        try
        {
            using var file = File.OpenRead(path);
            var gzipped = file.ReadByte() == 0x1f && file.ReadByte() == 0x8b;
            file.Position = 0;
            using Stream source = gzipped ? new GZipStream(file, CompressionMode.Decompress) : file;
            using var buffer = new MemoryStream();
            source.CopyTo(buffer);
            return buffer.ToArray();
        }
        catch (Exception e) when (e is InvalidDataException or IOException or EndOfStreamException)
        {
            throw new DatasetException($"{path}: cannot decompress ({e.Message.TrimEnd('.')})");
        }
    }
}
