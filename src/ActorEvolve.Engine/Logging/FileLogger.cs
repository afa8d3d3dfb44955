using Akka.Actor;
using Akka.Configuration;
using Akka.Dispatch;
using Akka.Event;

namespace ActorEvolve.Engine.Logging;

/// <summary>
/// Akka log events go to the run's log file (<c>actorevolve.log-file</c>) instead of stdout, where they would
/// tear through the live terminal view. Enabled by the CLI for runs; tests keep Akka's default loggers.
/// </summary>
public sealed class FileLogger : ReceiveActor, IRequiresMessageQueue<ILoggerMessageQueueSemantics>
{
    readonly StreamWriter _writer;

    public FileLogger()
    {
        var path = Context.System.Settings.Config.GetString("actorevolve.log-file", "actorevolve.log");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        _writer = new StreamWriter(path, append: true) { AutoFlush = true };
        // The loggers stop while the system terminates, racing its last lines (remoting shutting down): at INFO they
        // would land on the user's terminal through the stdout logger that takes over. Lower the level before that.
        var system = Context.System;
        CoordinatedShutdown.Get(system).AddTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate, "quiet-log", () =>
        {
            system.EventStream.SetLogLevel(LogLevel.WarningLevel);
            return Task.FromResult(Akka.Done.Instance);
        });
        Receive<InitializeLogger>(_ => Sender.Tell(new LoggerInitialized()));
        Receive<LogEvent>(e =>
        {
            var cause = e is Error { Cause: { } exception } ? $"{Environment.NewLine}  {exception}" : "";
            _writer.WriteLine($"{e.Timestamp:O} {e.LogLevel().ToString().Replace("Level", "").ToUpperInvariant()} {e.LogSource}: {e.Message}{cause}");
        });
    }

    protected override void PostStop() => _writer.Dispose();

    /// <summary>The configuration that sends an actor system's log to <paramref name="path"/>, over
    /// <paramref name="config"/>. The file takes INFO too: it is where an <c>exec:</c> program's own output goes.
    /// </summary>
    public static Config LogTo(string path, Config config) => ConfigurationFactory.ParseString($"""
        actorevolve.log-file = {Configuration.HoconLoader.Quote(path)}
        akka.loglevel = INFO
        akka.loggers = ["{typeof(FileLogger).FullName}, {typeof(FileLogger).Assembly.GetName().Name}"]
        """).WithFallback(config);
}
