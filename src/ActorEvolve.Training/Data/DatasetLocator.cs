using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;

namespace ActorEvolve.Training.Data;

public enum DatasetFormat { Idx, CifarBinary }

/// <summary>Where a dataset's files come from: the files a folder must hold, a Debian package that installs them,
/// and the downloads (with their published MD5) that provide them; a downloaded <c>.tar.gz</c> is unpacked.</summary>
/// <param name="HowToGet">What to tell a user who has none of it, after "downloading … failed".</param>
public sealed record DatasetSource(string Name, DatasetFormat Format, int Classes, IReadOnlyList<string> Files,
    string DebianDirectory, string MirrorUrl, IReadOnlyDictionary<string, string> Md5ByFile, string HowToGet)
{
    public static readonly string[] IdxFiles =
    [
        "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz",
        "t10k-labels-idx1-ubyte.gz",
    ];

    public const string FashionMnistMirror = "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com";
    public const string CifarMirror = "https://www.cs.toronto.edu/~kriz";
    public const string CifarArchive = "cifar-10-binary.tar.gz";

    public static DatasetSource FashionMnist(string mirrorUrl = FashionMnistMirror) => new("fashion-mnist",
        DatasetFormat.Idx, 10, IdxFiles, "/usr/share/datasets/fashion-mnist", mirrorUrl, new Dictionary<string, string>
        {
            // As published in the Fashion-MNIST README.
            ["train-images-idx3-ubyte.gz"] = "8d4fb7e6c68d591d4c3dfef9ec88bf0d",
            ["train-labels-idx1-ubyte.gz"] = "25c81989df183df01b3e8a0aad5dffbe",
            ["t10k-images-idx3-ubyte.gz"] = "bef4ecab320f06d8554ea6380940ec79",
            ["t10k-labels-idx1-ubyte.gz"] = "bb300cfdad3c16e7a12a480ee83cd310",
        }, "run 'apt-get install dataset-fashion-mnist' or pass --data DIR with the four IDX files");

    public static DatasetSource Mnist(string mirrorUrl) => new("mnist", DatasetFormat.Idx, 10, IdxFiles,
        "/usr/share/datasets/mnist", mirrorUrl, new Dictionary<string, string>
        {
            ["train-images-idx3-ubyte.gz"] = "f68b3c2dcbeaaa9fbdd348bbdeb94873",
            ["train-labels-idx1-ubyte.gz"] = "d53e105ee54ea40749a09fcbcd1e9432",
            ["t10k-images-idx3-ubyte.gz"] = "9fb629c4189551a2d022fa330f9573f3",
            ["t10k-labels-idx1-ubyte.gz"] = "ec29112dd5afa0611ce80d1b7f02629c",
        }, "pass --data DIR with the four mnist IDX files");

    /// <summary>CIFAR-10, binary version: five training batches and a test batch, from one archive.</summary>
    public static DatasetSource Cifar10(string mirrorUrl = CifarMirror) => new("cifar10", DatasetFormat.CifarBinary,
        10, CifarReader.Files, "", mirrorUrl,
        new Dictionary<string, string> { [CifarArchive] = "c32a1d4ab5d03f1284b67883e8d87530" }, // as published
        "pass --data DIR with the CIFAR-10 binary files (data_batch_1.bin .. data_batch_5.bin, test_batch.bin)");
}

/// <summary>Finds a dataset's files: an explicit directory, the Debian package's directory, then the user cache,
/// downloading into the cache (checksum-verified) when nothing local has it.</summary>
public sealed class DatasetLocator(DatasetSource source, string? explicitDirectory, string cacheDirectory,
    HttpClient? http = null)
{
    public static string DefaultCacheDirectory => Path.Combine(Environment.GetFolderPath(
        Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "actorevolve",
        "datasets");

    /// <summary>The directory holding all the files, or a <see cref="DatasetException"/> saying how to get them.
    /// </summary>
    public async Task<string> LocateAsync(CancellationToken cancellation = default)
    {
        if (explicitDirectory is not null)
        {
            var missing = MissingIn(explicitDirectory);
            return missing is null ? explicitDirectory
                : throw new DatasetException($"{Path.Combine(explicitDirectory, missing)}: file not found " +
                                             $"(--data must name a folder with the {source.Name} files)");
        }
        var cache = Path.Combine(cacheDirectory, source.Name);
        foreach (var dir in new[] { source.DebianDirectory, cache })
            if (dir != "" && MissingIn(dir) is null) return dir;
        await DownloadAsync(cache, cancellation);
        return MissingIn(cache) is { } absent
            ? throw new DatasetException($"{source.Name}: the download has no {absent}; {source.HowToGet}")
            : cache;
    }

    string? MissingIn(string dir) => source.Files.FirstOrDefault(f => !File.Exists(FilePath(dir, f)));

    async Task DownloadAsync(string target, CancellationToken cancellation)
    {
        Directory.CreateDirectory(target);
        using var ownClient = http is null ? new HttpClient { Timeout = TimeSpan.FromSeconds(60) } : null;
        var client = http ?? ownClient!;
        foreach (var (file, expectedMd5) in source.Md5ByFile)
        {
            var destination = Path.Combine(target, file);
            if (File.Exists(destination)) continue;
            var url = source.MirrorUrl.TrimEnd('/') + "/" + file;
            byte[] bytes;
            try
            {
                bytes = await client.GetByteArrayAsync(url, cancellation);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                throw new DatasetException($"{source.Name} not found locally and downloading {url} failed " +
                                           $"({e.Message.TrimEnd('.')}): {source.HowToGet}");
            }
            var md5 = Convert.ToHexStringLower(MD5.HashData(bytes));
            if (md5 != expectedMd5)
                throw new DatasetException(
                    $"{url}: checksum mismatch (md5 {md5}, expected {expectedMd5}); nothing was saved");
            if (file.EndsWith(".tar.gz", StringComparison.Ordinal))
            {
                Unpack(bytes, url, target); // the files are kept, not the archive
                continue;
            }
            // Write beside and rename, so an interrupted download never leaves a half file that looks complete.
            await File.WriteAllBytesAsync(destination + ".part", bytes, cancellation);
            File.Move(destination + ".part", destination, overwrite: true);
        }
    }

    /// <summary>Extracts the dataset's files from a verified archive into <paramref name="target"/>, wherever the
    /// archive keeps them (CIFAR-10's are in cifar-10-batches-bin/); each is written beside and renamed.</summary>
    void Unpack(byte[] archive, string url, string target)
    {
        try
        {
            using var tar = new TarReader(new GZipStream(new MemoryStream(archive), CompressionMode.Decompress));
            while (tar.GetNextEntry() is { } entry)
            {
                var name = Path.GetFileName(entry.Name);
                if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile)
                    || !source.Files.Contains(name)) continue;
                var destination = Path.Combine(target, name);
                entry.ExtractToFile(destination + ".part", overwrite: true);
                File.Move(destination + ".part", destination, overwrite: true);
            }
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or EndOfStreamException)
        {
            throw new DatasetException($"{url}: cannot unpack ({e.Message.TrimEnd('.')})");
        }
    }

    /// <summary>The file in <paramref name="dir"/>, or its uncompressed twin for a <c>.gz</c> name.</summary>
    public static string FilePath(string dir, string file) =>
        File.Exists(Path.Combine(dir, file)) || !file.EndsWith(".gz", StringComparison.Ordinal)
            ? Path.Combine(dir, file) : Path.Combine(dir, file[..^3]);
}
