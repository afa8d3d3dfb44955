using System.Formats.Tar;
using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using ActorEvolve.Tests.Shared;
using ActorEvolve.Training.Data;

namespace ActorEvolve.Training.Tests;

/// <summary>Finding and downloading the dataset, against a real HTTP server on loopback serving the real
/// files.</summary>
public sealed class DatasetLocatorTests : IDisposable
{
    readonly string _cache = System.IO.Directory.CreateTempSubdirectory("dataset-cache-").FullName;

    public void Dispose() => System.IO.Directory.Delete(_cache, recursive: true);

    static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }

    /// <summary>Serves the files of <paramref name="directory"/> until disposed.</summary>
    sealed class Mirror : IDisposable
    {
        readonly HttpListener _listener = new();
        public string Url { get; }
        public int Requests;

        public Mirror(string directory)
        {
            Url = $"http://127.0.0.1:{FreePort()}/";
            _listener.Prefixes.Add(Url);
            _listener.Start();
            _ = Task.Run(async () =>
            {
                while (_listener.IsListening)
                {
                    HttpListenerContext context;
                    try { context = await _listener.GetContextAsync(); }
                    catch (HttpListenerException) { return; }
                    catch (ObjectDisposedException) { return; }
                    Interlocked.Increment(ref Requests);
                    var path = Path.Combine(directory, Path.GetFileName(context.Request.Url!.AbsolutePath));
                    if (File.Exists(path))
                        await context.Response.OutputStream.WriteAsync(await File.ReadAllBytesAsync(path));
                    else context.Response.StatusCode = 404;
                    context.Response.Close();
                }
            });
        }

        public void Dispose() => _listener.Close();
    }

    static DatasetSource SourceAt(string url, Func<string, string> md5) =>
        DatasetSource.FashionMnist(url) with
        {
            DebianDirectory = "/nonexistent", Md5ByFile = DatasetSource.IdxFiles.ToDictionary(f => f, md5),
        };

    static string Md5Of(string file) =>
        Convert.ToHexStringLower(MD5.HashData(File.ReadAllBytes(Path.Combine(TestData.Directory, file))));

    [Fact]
    public async Task Downloads_into_the_cache_and_verifies_checksums()
    {
        using var mirror = new Mirror(TestData.Directory);
        var locator = new DatasetLocator(SourceAt(mirror.Url, Md5Of), null, _cache);
        var found = await locator.LocateAsync();
        Assert.Equal(Path.Combine(_cache, "fashion-mnist"), found);
        Assert.Equal(4, mirror.Requests);
        Assert.Equal(60_000, ImageDataset.FromIdx(Path.Combine(found, "train-images-idx3-ubyte.gz"),
            Path.Combine(found, "train-labels-idx1-ubyte.gz"), 10).Count);

        await locator.LocateAsync(); // now found in the cache: no second download
        Assert.Equal(4, mirror.Requests);
    }

    [Fact]
    public async Task A_checksum_mismatch_saves_nothing()
    {
        using var mirror = new Mirror(TestData.Directory);
        var locator = new DatasetLocator(SourceAt(mirror.Url, _ => "00000000000000000000000000000000"), null, _cache);
        var error = await Assert.ThrowsAsync<DatasetException>(() => locator.LocateAsync());
        Assert.Contains("checksum mismatch", error.Message);
        Assert.Empty(System.IO.Directory.GetFiles(Path.Combine(_cache, "fashion-mnist")));
    }

    [Fact]
    public async Task No_network_is_a_clear_error_saying_how_to_get_the_data()
    {
        var locator = new DatasetLocator(SourceAt($"http://127.0.0.1:{FreePort()}", Md5Of), null, _cache);
        var error = await Assert.ThrowsAsync<DatasetException>(() => locator.LocateAsync());
        Assert.Contains("apt-get install dataset-fashion-mnist", error.Message);
        Assert.Contains("--data DIR", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public async Task An_explicit_folder_wins_and_must_hold_the_files()
    {
        Assert.Equal(TestData.Directory,
            await new DatasetLocator(DatasetSource.FashionMnist(), TestData.Directory, _cache).LocateAsync());
        var error = await Assert.ThrowsAsync<DatasetException>(
            () => new DatasetLocator(DatasetSource.FashionMnist(), _cache, _cache).LocateAsync());
        Assert.Contains("train-images-idx3-ubyte.gz: file not found", error.Message);
    }

    /// <summary>cifar-10-binary.tar.gz as published: the six batches (and other files) in cifar-10-batches-bin/.
    /// </summary>
    static string CifarArchive(string directory)
    {
        var batches = CifarFiles.WriteAll(Path.Combine(directory, "batches"), images: 10);
        var archive = Path.Combine(directory, DatasetSource.CifarArchive);
        using (var tar = new TarWriter(new GZipStream(File.Create(archive), CompressionLevel.Fastest)))
        {
            foreach (var name in CifarFiles.Names)
                tar.WriteEntry(Path.Combine(batches, name), $"cifar-10-batches-bin/{name}");
            tar.WriteEntry(new PaxTarEntry(TarEntryType.Directory, "cifar-10-batches-bin/"));
        }
        return archive;
    }

    static DatasetSource CifarAt(string url, string md5) =>
        DatasetSource.Cifar10(url) with
        {
            Md5ByFile = new Dictionary<string, string> { [DatasetSource.CifarArchive] = md5 },
        };

    [Fact]
    public async Task Cifar10_is_downloaded_as_one_archive_checked_and_unpacked_into_the_cache()
    {
        var served = Directory.CreateDirectory(Path.Combine(_cache, "served")).FullName;
        var md5 = Convert.ToHexStringLower(MD5.HashData(File.ReadAllBytes(CifarArchive(served))));
        using var mirror = new Mirror(served);
        var cache = Path.Combine(_cache, "user");
        var locator = new DatasetLocator(CifarAt(mirror.Url, md5), null, cache);

        var found = await locator.LocateAsync();
        Assert.Equal(Path.Combine(cache, "cifar10"), found);
        Assert.Equal(CifarFiles.Names.Order(), Directory.GetFiles(found).Select(Path.GetFileName).Order());
        Assert.Equal(50, CifarReader.Read(found).Train.Count);
        await locator.LocateAsync(); // found in the cache now
        Assert.Equal(1, mirror.Requests);
    }

    [Fact]
    public async Task A_cifar10_archive_with_another_checksum_saves_nothing()
    {
        var served = Directory.CreateDirectory(Path.Combine(_cache, "served")).FullName;
        CifarArchive(served);
        using var mirror = new Mirror(served);
        var cache = Path.Combine(_cache, "user");
        var error = await Assert.ThrowsAsync<DatasetException>(() =>
            new DatasetLocator(CifarAt(mirror.Url, DatasetSource.Cifar10().Md5ByFile[DatasetSource.CifarArchive]),
                null, cache).LocateAsync());
        Assert.Contains("cifar-10-binary.tar.gz: checksum mismatch", error.Message);
        Assert.Contains("expected c32a1d4ab5d03f1284b67883e8d87530", error.Message);
        Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(cache, "cifar10")));
    }

    [Fact]
    public async Task Cifar10_without_network_says_in_one_line_to_pass_its_files_with_data()
    {
        var locator = new DatasetLocator(DatasetSource.Cifar10($"http://127.0.0.1:{FreePort()}"), null, _cache);
        var error = await Assert.ThrowsAsync<DatasetException>(() => locator.LocateAsync());
        Assert.StartsWith("cifar10 not found locally and downloading http://127.0.0.1:", error.Message);
        Assert.EndsWith("pass --data DIR with the CIFAR-10 binary files (data_batch_1.bin .. data_batch_5.bin, " +
                        "test_batch.bin)", error.Message);
        Assert.DoesNotContain('\n', error.Message);

        var explicitFolder = Directory.CreateDirectory(Path.Combine(_cache, "mine")).FullName;
        Assert.Equal($"{Path.Combine(explicitFolder, "data_batch_1.bin")}: file not found (--data must name a folder " +
                     "with the cifar10 files)", (await Assert.ThrowsAsync<DatasetException>(() =>
            new DatasetLocator(DatasetSource.Cifar10(), explicitFolder, _cache).LocateAsync())).Message);
    }
}
