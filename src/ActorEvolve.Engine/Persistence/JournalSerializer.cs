using System.Runtime.Serialization;
using System.Text.Json;
using Akka.Actor;
using Akka.Serialization;
using ActorEvolve.Engine.Results;

namespace ActorEvolve.Engine.Persistence;

/// <summary>
/// Serializes journal records and snapshots as JSON with an explicit, versioned manifest ("fitness-recorded/1")
/// instead of CLR type names: renaming a class cannot break old journals, and a journal from a newer,
/// incompatible version fails with a message saying so instead of a type-load crash.
/// </summary>
public sealed class JournalSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    public const int Version = 1;

    static readonly Dictionary<string, Type> TypesByManifest = new()
    {
        [$"run-started/{Version}"] = typeof(RunStarted),
        [$"generation-started/{Version}"] = typeof(GenerationStarted),
        [$"fitness-recorded/{Version}"] = typeof(FitnessRecorded),
        [$"generation-completed/{Version}"] = typeof(GenerationCompleted),
        [$"run-finished/{Version}"] = typeof(RunFinished),
        [$"run-snapshot/{Version}"] = typeof(RunSnapshot),
    };

    static readonly Dictionary<Type, string> ManifestsByType = TypesByManifest.ToDictionary(kv => kv.Value, kv => kv.Key);

    public override int Identifier => 7301;

    public override string Manifest(object o) =>
        ManifestsByType.TryGetValue(o.GetType(), out var manifest)
            ? manifest
            : throw new SerializationException($"{o.GetType()} is not a journal record");

    public override byte[] ToBinary(object obj) => JsonSerializer.SerializeToUtf8Bytes(obj, obj.GetType(), RunFiles.Json);

    public override object FromBinary(byte[] bytes, string manifest)
    {
        if (!TypesByManifest.TryGetValue(manifest, out var type))
            throw new IncompatibleJournalException(
                $"the journal holds a '{manifest}' record that this version of ActorEvolve (journal format {Version}) cannot read");
        return JsonSerializer.Deserialize(bytes, type, RunFiles.Json)
               ?? throw new IncompatibleJournalException($"an empty '{manifest}' record in the journal");
    }
}

public sealed class IncompatibleJournalException(string message) : SerializationException(message);
