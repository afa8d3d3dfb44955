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

    static string CertificatePath(Config config) => config.GetString("actorevolve.tls.certificate", "");

    /// <summary>The remoting protocol of addresses in this cluster: with TLS, <c>akka.ssl.tcp</c>.</summary>
    public static string Protocol(Config config) => CertificatePath(config) == "" ? "akka.tcp" : "akka.ssl.tcp";

    /// <summary>The actor system's setup: <paramref name="config"/>, plus TLS when a certificate is configured.</summary>
    public static ActorSystemSetup Setup(Config config)
    {
        var path = CertificatePath(config);
        if (path == "") return ActorSystemSetup.Create(BootstrapSetup.Create().WithConfig(config));
        var password = config.GetString("actorevolve.tls.password", "") is { Length: > 0 } p ? p : Environment.GetEnvironmentVariable(PasswordVariable);
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
}
