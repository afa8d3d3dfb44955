using System.Security.Cryptography;

namespace ActorEvolve.Training.Data;

/// <summary>Where a dataset's four IDX files come from, and their published checksums.</summary>
public sealed record DatasetSource(string Name, string DebianPackage, string DebianDirectory, string MirrorUrl,
    IReadOnlyDictionary<string, string> Md5ByFile)
{
    public static readonly string[] Files =
        ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"];

    public const string FashionMnistMirror = "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com";

    public static DatasetSource FashionMnist(string mirrorUrl = FashionMnistMirror) => new("fashion-mnist", "dataset-fashion-mnist",
        "/usr/share/datasets/fashion-mnist", mirrorUrl, new Dictionary<string, string>
        {
            // As published in the Fashion-MNIST README.
            ["train-images-idx3-ubyte.gz"] = "8d4fb7e6c68d591d4c3dfef9ec88bf0d",
            ["train-labels-idx1-ubyte.gz"] = "25c81989df183df01b3e8a0aad5dffbe",
            ["t10k-images-idx3-ubyte.gz"] = "bef4ecab320f06d8554ea6380940ec79",
            ["t10k-labels-idx1-ubyte.gz"] = "bb300cfdad3c16e7a12a480ee83cd310",
        });

    public static DatasetSource Mnist(string mirrorUrl) => new("mnist", "", "/usr/share/datasets/mnist", mirrorUrl,
        new Dictionary<string, string>
        {
            ["train-images-idx3-ubyte.gz"] = "f68b3c2dcbeaaa9fbdd348bbdeb94873",
            ["train-labels-idx1-ubyte.gz"] = "d53e105ee54ea40749a09fcbcd1e9432",
            ["t10k-images-idx3-ubyte.gz"] = "9fb629c4189551a2d022fa330f9573f3",
            ["t10k-labels-idx1-ubyte.gz"] = "ec29112dd5afa0611ce80d1b7f02629c",
        });
}

/// <summary>Finds a dataset's files: an explicit directory, the Debian package's directory, then the user cache,
/// downloading into the cache (checksum-verified) when nothing local has it.</summary>
public sealed class DatasetLocator(DatasetSource source, string? explicitDirectory, string cacheDirectory, HttpClient? http = null)
{
    public static string DefaultCacheDirectory =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "actorevolve", "datasets");

    /// <summary>The directory holding all four files, or a <see cref="DatasetException"/> saying how to get them.</summary>
    public async Task<string> LocateAsync(CancellationToken cancellation = default)
    {
        if (explicitDirectory is not null)
        {
            var missing = MissingIn(explicitDirectory);
            return missing is null ? explicitDirectory
                : throw new DatasetException($"{Path.Combine(explicitDirectory, missing)}: file not found (--data must name a folder with the four {source.Name} IDX files)");
        }
        var cache = Path.Combine(cacheDirectory, source.Name);
        foreach (var dir in new[] { source.DebianDirectory, cache })
            if (MissingIn(dir) is null) return dir;
        await DownloadAsync(cache, cancellation);
        return cache;
    }

    string? MissingIn(string dir) =>
        DatasetSource.Files.FirstOrDefault(f => !File.Exists(Path.Combine(dir, f)) && !File.Exists(Path.Combine(dir, f[..^3])));

    async Task DownloadAsync(string target, CancellationToken cancellation)
    {
        var howToInstall = source.DebianPackage == ""
            ? $"pass --data DIR with the four {source.Name} IDX files"
            : $"run 'apt-get install {source.DebianPackage}' or pass --data DIR with the four IDX files";
        Directory.CreateDirectory(target);
        using var ownClient = http is null ? new HttpClient { Timeout = TimeSpan.FromSeconds(60) } : null;
        var client = http ?? ownClient!;
        foreach (var file in DatasetSource.Files)
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
                throw new DatasetException($"{source.Name} not found locally and downloading {url} failed ({e.Message.TrimEnd('.')}): {howToInstall}");
            }
            var md5 = Convert.ToHexStringLower(MD5.HashData(bytes));
            if (md5 != source.Md5ByFile[file])
                throw new DatasetException($"{url}: checksum mismatch (md5 {md5}, expected {source.Md5ByFile[file]}); nothing was saved");
            // Write beside and rename, so an interrupted download never leaves a half file that looks complete.
            await File.WriteAllBytesAsync(destination + ".part", bytes, cancellation);
            File.Move(destination + ".part", destination, overwrite: true);
        }
    }

    public static string FilePath(string dir, string file) =>
        File.Exists(Path.Combine(dir, file)) ? Path.Combine(dir, file) : Path.Combine(dir, file[..^3]);
}
