using System.Runtime.Serialization;
using System.Text.Json;
using Akka.Actor;
using Akka.Serialization;
using ActorEvolve.Engine.Formats;

namespace ActorEvolve.Engine.Persistence;

/// <summary>
/// Serializes journal records and snapshots as JSON with an explicit, versioned manifest ("fitness-recorded/2")
/// instead of CLR type names: renaming a class cannot break old journals, and a journal from a newer,
/// incompatible version fails with a message saying so instead of a type-load crash. Records of every earlier
/// version are read (versions 2 and 3 only added optional fields). Version 3 added a second objective and the
/// tested Pareto front: only the records that hold them are written as version 3 (a one-objective run's journal is
/// version 2 as before), so an earlier ActorEvolve refuses a two-objective run in one line instead of resuming it
/// as a one-objective run.
/// </summary>
public sealed class JournalSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    public const int Version = 3;

    /// <summary>The version records of a one-objective run are written in.</summary>
    const int OneObjectiveVersion = 2;

    static readonly Dictionary<string, Type> TypesByName = new()
    {
        ["run-started"] = typeof(RunJournal.RunStarted),
        ["generation-started"] = typeof(RunJournal.GenerationStarted),
        ["fitness-recorded"] = typeof(RunJournal.FitnessRecorded),
        ["generation-completed"] = typeof(RunJournal.GenerationCompleted),
        ["run-finished"] = typeof(RunJournal.RunFinished),
        ["run-snapshot"] = typeof(RunJournal.RunSnapshot),
        ["rung-completed"] = typeof(RunJournal.RungCompleted),
        ["child-born"] = typeof(RunJournal.ChildBorn),
        ["child-evaluated"] = typeof(RunJournal.ChildEvaluated),
        ["member-removed"] = typeof(RunJournal.MemberRemoved),
        ["genome-promoted"] = typeof(RunJournal.GenomePromoted),
    };

    static readonly Dictionary<string, Type> TypesByManifest = TypesByName
        .SelectMany(kv => Enumerable.Range(1, Version).Select(v => KeyValuePair.Create($"{kv.Key}/{v}", kv.Value)))
        .ToDictionary();

    static readonly Dictionary<Type, string> NamesByType = TypesByName.ToDictionary(kv => kv.Value, kv => kv.Key);

    public override int Identifier => 7301;

    public override string Manifest(object o) =>
        NamesByType.TryGetValue(o.GetType(), out var name)
            ? $"{name}/{VersionOf(o)}"
            : throw new SerializationException($"{o.GetType()} is not a journal record");

    static int VersionOf(object record) => record switch
    {
        RunJournal.RunStarted { Objective.IsPareto: true } or RunJournal.RunFinished { Front: not null } => Version,
        RunJournal.RunSnapshot snapshot => Math.Max(VersionOf(snapshot.Started),
            snapshot.Finished is { } finished ? VersionOf(finished) : OneObjectiveVersion),
        _ => OneObjectiveVersion,
    };

    public override byte[] ToBinary(object obj) =>
        JsonSerializer.SerializeToUtf8Bytes(obj, obj.GetType(), JsonFormat.Compact);

    public override object FromBinary(byte[] bytes, string manifest)
    {
        if (!TypesByManifest.TryGetValue(manifest, out var type))
            throw new IncompatibleJournalException(
                $"the journal holds a '{manifest}' record that this version of ActorEvolve " +
                $"(journal format {Version}) cannot read");
        return JsonSerializer.Deserialize(bytes, type, JsonFormat.Compact)
               ?? throw new IncompatibleJournalException($"an empty '{manifest}' record in the journal");
    }
}

public sealed class IncompatibleJournalException(string message) : SerializationException(message);
