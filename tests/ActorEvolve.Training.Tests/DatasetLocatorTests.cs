using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using ActorEvolve.Training.Data;

namespace ActorEvolve.Training.Tests;

/// <summary>Finding and downloading the dataset, against a real HTTP server on loopback serving the real files.</summary>
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
                    try { context = await _listener.GetContextAsync(); } catch (HttpListenerException) { return; } catch (ObjectDisposedException) { return; }
                    Interlocked.Increment(ref Requests);
                    var path = Path.Combine(directory, Path.GetFileName(context.Request.Url!.AbsolutePath));
                    if (File.Exists(path)) await context.Response.OutputStream.WriteAsync(await File.ReadAllBytesAsync(path));
                    else context.Response.StatusCode = 404;
                    context.Response.Close();
                }
            });
        }

        public void Dispose() => _listener.Close();
    }

    static DatasetSource SourceAt(string url, Func<string, string> md5) =>
        DatasetSource.FashionMnist(url) with { DebianDirectory = "/nonexistent", Md5ByFile = DatasetSource.Files.ToDictionary(f => f, md5) };

    static string Md5Of(string file) => Convert.ToHexStringLower(MD5.HashData(File.ReadAllBytes(Path.Combine(TestData.Directory, file))));

    [Fact]
    public async Task Downloads_into_the_cache_and_verifies_checksums()
    {
        using var mirror = new Mirror(TestData.Directory);
        var locator = new DatasetLocator(SourceAt(mirror.Url, Md5Of), null, _cache);
        var found = await locator.LocateAsync();
        Assert.Equal(Path.Combine(_cache, "fashion-mnist"), found);
        Assert.Equal(4, mirror.Requests);
        Assert.Equal(60_000, ImageDataset.FromIdx(Path.Combine(found, "train-images-idx3-ubyte.gz"), Path.Combine(found, "train-labels-idx1-ubyte.gz"), 10).Count);

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
        Assert.Equal(TestData.Directory, await new DatasetLocator(DatasetSource.FashionMnist(), TestData.Directory, _cache).LocateAsync());
        var error = await Assert.ThrowsAsync<DatasetException>(() => new DatasetLocator(DatasetSource.FashionMnist(), _cache, _cache).LocateAsync());
        Assert.Contains("train-images-idx3-ubyte.gz: file not found", error.Message);
    }
}
