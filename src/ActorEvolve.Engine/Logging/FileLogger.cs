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
    StreamWriter? _writer;

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
            var level = e.LogLevel().ToString().Replace("Level", "").ToUpperInvariant();
            Write($"{e.Timestamp:O} {level} {e.LogSource}: {e.Message}{cause}");
        });
    }

    /// <summary>A log that cannot be written (the disk is full) is given up, not retried: a crashing logger would
    /// be restarted and report its own failure forever. What fails for the run itself stops it with one line.</summary>
    void Write(string line)
    {
        try
        {
            _writer?.WriteLine(line);
        }
        catch (IOException)
        {
            _writer = null;
        }
    }

    protected override void PostStop()
    {
        try
        {
            _writer?.Dispose();
        }
        catch (IOException)
        {
            // the last lines are lost with the disk that is full
        }
    }

    /// <summary>The configuration that sends an actor system's log to <paramref name="path"/>, over
    /// <paramref name="config"/>. The file takes INFO too: it is where an <c>exec:</c> program's own output goes.
    /// </summary>
    public static Config LogTo(string path, Config config) => ConfigurationFactory.ParseString($"""
        actorevolve.log-file = {Configuration.HoconLoader.Quote(path)}
        akka.loglevel = INFO
        akka.loggers = ["{typeof(FileLogger).FullName}, {typeof(FileLogger).Assembly.GetName().Name}"]
        """).WithFallback(config);
}
