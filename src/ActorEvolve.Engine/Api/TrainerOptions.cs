using Akka.Configuration;
using ActorEvolve.Engine.Configuration;
using ActorEvolve.Engine.Logging;

namespace ActorEvolve.Engine;

/// <summary>How <see cref="Search.JoinAsync"/> serves a search as a trainer node.</summary>
public sealed record TrainerOptions
{
    /// <summary>Evaluations this node runs at once (default: one per core).</summary>
    public int? Slots { get; init; }

    /// <summary>How long the first join may take.</summary>
    public TimeSpan JoinTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Akka's log of this node (default: actorevolve-trainer-PID.log in the working folder).</summary>
    public string? LogFile { get; init; }

    /// <summary>Any other setting, as HOCON over the defaults: e.g. <c>akka.remote.dot-netty.tcp.hostname</c> (the
    /// address this node is reached at) or <c>actorevolve.tls.certificate</c>.</summary>
    public string Hocon { get; init; } = "";

    internal Config Config()
    {
        if (Slots is < 1) throw new ConfigException($"Slots must be at least 1 (got {Slots})");
        var overrides = Slots is { } slots ? [Hocon, $"actorevolve.engine.trainer-slots = {slots}"] : new[] { Hocon };
        var log = Path.GetFullPath(LogFile ?? $"actorevolve-trainer-{Environment.ProcessId}.log");
        return FileLogger.LogTo(log, HoconLoader.Load([], overrides, "TrainerOptions"));
    }
}
