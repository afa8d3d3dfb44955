using System.Net.Sockets;
using Akka.Configuration;
using ActorEvolve.Engine.Configuration;

namespace ActorEvolve.Engine.Cluster;

/// <summary>Recognises and describes a failure to open this node's cluster endpoint (port taken, unknown address).
/// </summary>
public static class RemotingEndpoint
{
    /// <summary>Checks, before a run writes anything, that a fixed port it will listen on can be opened now.</summary>
    public static void Preflight(string host, int port, string what)
    {
        if (port == 0) return; // any free port
        try
        {
            var address = System.Net.IPAddress.TryParse(host, out var ip)
                ? ip : System.Net.Dns.GetHostAddresses(host).First();
            using var probe = new TcpListener(address, port);
            probe.Start();
        }
        catch (SocketException e)
        {
            throw new ConfigException($"cannot listen on {host}:{port} for {what}: {e.Message}");
        }
    }

    public static void Preflight(Config config)
    {
        var (host, port) = Endpoint(config);
        Preflight(host, port, "the cluster");
    }

    public static string Describe(Config config)
    {
        var (host, port) = Endpoint(config);
        return $"{host}:{port}";
    }

    /// <summary>The host and port this node's cluster endpoint is configured to listen on.</summary>
    public static (string Host, int Port) Endpoint(Config config)
    {
        var tcp = Engine.Configuration.SettingsReader.Of(config, "akka.remote.dot-netty.tcp");
        return (tcp.String("hostname"), tcp.Int("port", min: 0, max: 65535));
    }

    public static bool IsBindFailure(Exception e) => Chain(e).Any(x => x is SocketException ||
        x.Message.Contains("bind", StringComparison.OrdinalIgnoreCase) ||
        x.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase));

    /// <summary>The one-line error for a bind failure of the node configured by <paramref name="config"/>.</summary>
    public static ConfigException BindFailure(Config config, Exception e) =>
        new($"cannot listen on {Describe(config)}: {Reason(e)}");

    static string Reason(Exception e) =>
        Chain(e).OfType<SocketException>().FirstOrDefault()?.Message ?? Chain(e).Last().Message.Split('\n')[0];

    static IEnumerable<Exception> Chain(Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException) yield return x;
    }
}
