using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Configuration;
using Akka.Remote.Transport.DotNetty;
using ActorEvolve.Engine.Configuration;

namespace ActorEvolve.Engine.Cluster;

/// <summary>
/// TLS between the nodes of a search (<c>actorevolve.tls.certificate</c>, a PKCS#12 file; its password from
/// <c>actorevolve.tls.password</c> or the ACTOREVOLVE_TLS_PASSWORD environment variable). Every node presents the
/// same certificate and accepts only a peer that presents exactly it (mutual TLS, pinned by thumbprint), so a node
/// without the certificate cannot join, whatever certificate authority it trusts.
/// </summary>
public static class ClusterSecurity
{
    public const string PasswordVariable = "ACTOREVOLVE_TLS_PASSWORD";

    static string CertificatePath(Config config) => SettingsReader.Of(config, "actorevolve.tls").String("certificate");

    /// <summary>The remoting protocol of addresses in this cluster: with TLS, <c>akka.ssl.tcp</c>.</summary>
    public static string Protocol(Config config) => CertificatePath(config) == "" ? "akka.tcp" : "akka.ssl.tcp";

    /// <summary>Loads the certificate (if any) before anything is written, so a bad one is refused up front.</summary>
    public static void Preflight(Config config) => Setup(config);

    /// <summary>Whether this node accepts cluster connections without TLS on an address other hosts can reach
    /// (<c>actorevolve.tls.insecure</c>, <c>--insecure</c>): the user's explicit choice, shown while it runs.</summary>
    public static bool IsInsecure(Config config) => CertificatePath(config) == "" && !IsLoopback(ListenHost(config));

    static string ListenHost(Config config) =>
        SettingsReader.Of(config, "akka.remote.dot-netty.tcp").String("hostname");

    /// <summary>The actor system's setup: <paramref name="config"/>, plus TLS when a certificate is configured.
    /// Without TLS, any process that reaches the port can join and report fitness, so a node listens without it
    /// only on loopback, unless the user accepted that with <c>--insecure</c>.</summary>
    public static ActorSystemSetup Setup(Config config)
    {
        var path = CertificatePath(config);
        if (IsInsecure(config) && !SettingsReader.Of(config, "actorevolve.tls").Bool("insecure"))
            throw new ConfigException($"listening on {ListenHost(config)} without TLS would let any process " +
                                      "that reaches it join the search and report fitness: give every node " +
                                      "--tls-cert FILE, or accept that with --insecure");
        if (path == "") return ActorSystemSetup.Create(BootstrapSetup.Create().WithConfig(config));
        var password = SettingsReader.Of(config, "actorevolve.tls").String("password") is { Length: > 0 } p
            ? p : Environment.GetEnvironmentVariable(PasswordVariable);
        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadPkcs12FromFile(path, password, X509KeyStorageFlags.Exportable);
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new ConfigException($"{path}: cannot read the TLS certificate ({HoconLoader.FirstLine(e.Message)})");
        }
        if (!certificate.HasPrivateKey) throw new ConfigException($"{path}: the TLS certificate has no private key");
        var tls = ConfigurationFactory.ParseString("akka.remote.dot-netty.tcp.enable-ssl = true").WithFallback(config);
        return BootstrapSetup.Create().WithConfig(tls).And(new DotNettySslSetup(certificate, suppressValidation: false,
            requireMutualAuthentication: true, CertificateValidation.PinnedCertificate(certificate.Thumbprint)));
    }

    /// <summary>Whether <paramref name="host"/> names only this machine (loopback addresses, localhost).</summary>
    static bool IsLoopback(string host)
    {
        if (IPAddress.TryParse(host, out var address)) return IPAddress.IsLoopback(address);
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase)) return true;
        try
        {
            return Dns.GetHostAddresses(host) is { Length: > 0 } addresses && addresses.All(IPAddress.IsLoopback);
        }
        catch (SocketException)
        {
            return false; // an unknown name is refused when the node binds
        }
    }

    /// <summary>An address other machines can reach this one at, for a node listening on every interface
    /// (0.0.0.0): the first IPv4 address of an interface that is up, else the host name.</summary>
    public static string ReachableAddress() => NetworkInterface.GetAllNetworkInterfaces()
        .Where(n => n.OperationalStatus == OperationalStatus.Up
                    && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
        .SelectMany(n => n.GetIPProperties().UnicastAddresses)
        .Select(a => a.Address)
        .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a))
        ?.ToString() ?? Dns.GetHostName();
}
