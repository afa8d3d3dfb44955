using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence;

namespace ActorEvolve.Engine.Persistence;

/// <summary>
/// Reads runs from the journal without running them, for commands that must know a run's status or rebuild its
/// folder (runs, report, resume, search --run-id). A small local actor system recovers each run as the run itself
/// would (latest snapshot, then events) and writes nothing: no tables are created, nothing is persisted.
/// </summary>
public sealed class JournalReader : IAsyncDisposable
{
    readonly ActorSystem? _system; // null: the journal does not exist yet, so it holds no run

    JournalReader(ActorSystem? system) => _system = system;

    /// <param name="config">The configuration the journal's records are serialized with (the defaults suffice).</param>
    public static JournalReader Open(Config config, JournalSettings journal)
    {
        if (!journal.Exists()) return new JournalReader(null);
        var readOnly = ConfigurationFactory.ParseString("""
            akka.actor.provider = local
            akka.loglevel = OFF
            akka.stdout-loglevel = OFF
            akka.persistence.journal.sql.auto-initialize = off
            akka.persistence.snapshot-store.sql.auto-initialize = off
            """);
        return new JournalReader(ActorSystem.Create("actorevolve-reader",
            readOnly.WithFallback(journal.ToAkkaConfig()).WithFallback(config)));
    }

    /// <summary>The run as journaled; <see cref="JournaledRun.IsRecorded"/> is false for a run the journal never
    /// recorded. Throws <see cref="JournalReadException"/> when the journal cannot be read.</summary>
    public async Task<JournaledRun> ReadAsync(string runId)
    {
        if (_system is null) return new JournaledRun();
        var recovered = new TaskCompletionSource<JournaledRun>(TaskCreationOptions.RunContinuationsAsynchronously);
        _system.ActorOf(Props.Create(() => new Recovery(runId, recovered)));
        try
        {
            return await recovered.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (TimeoutException)
        {
            throw new JournalReadException(
                "the journal did not answer within 30 s (another process may hold it locked)");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_system is not null) await _system.Terminate();
    }

    /// <summary>Recovers one run, hands over what it found, and stops.</summary>
    sealed class Recovery : ReceivePersistentActor
    {
        readonly TaskCompletionSource<JournaledRun> _recovered;

        public override string PersistenceId { get; }

        public Recovery(string runId, TaskCompletionSource<JournaledRun> recovered)
        {
            _recovered = recovered;
            PersistenceId = RunJournal.PersistenceId(runId);
            var run = new JournaledRun();
            Recover<SnapshotOffer>(run.Apply);
            Recover<RunJournal.IRecord>(run.Apply);
            Recover<RecoveryCompleted>(_ =>
            {
                recovered.TrySetResult(run);
                Context.Stop(Self);
            });
        }

        protected override void OnRecoveryFailure(Exception reason, object? message = null)
        {
            _recovered.TrySetException(new JournalReadException(reason is IncompatibleJournalException
                ? reason.Message : $"cannot read the journal ({Configuration.HoconLoader.FirstLine(reason.Message)})"));
            base.OnRecoveryFailure(reason, message);
        }
    }
}

/// <summary>The journal could not be read: one line for the user.</summary>
public sealed class JournalReadException(string message) : Exception(message);

/// <summary>One <see cref="JournalReader"/> per journal, opened on first use, for a command that looks at many
/// runs.</summary>
public sealed class JournalReaders : IAsyncDisposable
{
    readonly Dictionary<string, JournalReader> _readers = [];

    public JournalReader For(Config config, JournalSettings journal)
    {
        if (!_readers.TryGetValue(journal.ConnectionString, out var reader))
            _readers[journal.ConnectionString] = reader = JournalReader.Open(config, journal);
        return reader;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var reader in _readers.Values) await reader.DisposeAsync();
    }
}
