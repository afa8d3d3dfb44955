using System.Runtime.Serialization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Akka.Actor;
using Akka.Serialization;
using ActorEvolve.Core.Genes;
using ActorEvolve.Engine.Protocol;
using ActorEvolve.Engine.Formats;

namespace ActorEvolve.Engine.Cluster;

/// <summary>
/// Serializes the messages between a run and trainers on other nodes (<see cref="ITrainerMessage"/>) as JSON with
/// explicit manifests, like the journal: a genome travels as its canonical key, an actor reference as its path.
/// A coordinator and a trainer of incompatible versions fail with a message naming the manifest.
/// </summary>
public sealed class TrainerProtocolSerializer : SerializerWithStringManifest
{
    static readonly Dictionary<string, Type> TypesByManifest = new()
    {
        ["evaluate-genome/1"] = typeof(EvaluateGenome),
        ["genome-evaluated/1"] = typeof(GenomeEvaluated),
        ["evaluation-failed/1"] = typeof(EvaluationFailed),
        ["cancel-evaluation/1"] = typeof(CancelEvaluation),
        ["get-slots/1"] = typeof(GetSlots),
        ["slots-offered/1"] = typeof(SlotsOffered),
        ["training-progress/1"] = typeof(TrainingProgress),
        ["drop-checkpoints/1"] = typeof(DropCheckpoints),
        ["drop-checkpoint/1"] = typeof(DropCheckpoint),
    };

    static readonly Dictionary<Type, string> ManifestsByType =
        TypesByManifest.ToDictionary(kv => kv.Value, kv => kv.Key);

    readonly JsonSerializerOptions _json;

    public TrainerProtocolSerializer(ExtendedActorSystem system) : base(system) =>
        _json = new JsonSerializerOptions(JsonFormat.Compact)
        {
            Converters = { new GenomeAsKey(), new ActorRefAsPath(system) },
        };

    public override int Identifier => 7302;

    public override string Manifest(object o) =>
        ManifestsByType.TryGetValue(o.GetType(), out var manifest)
            ? manifest
            : throw new SerializationException($"{o.GetType()} is not a trainer message");

    public override byte[] ToBinary(object obj) => JsonSerializer.SerializeToUtf8Bytes(obj, obj.GetType(), _json);

    public override object FromBinary(byte[] bytes, string manifest) =>
        TypesByManifest.TryGetValue(manifest, out var type)
            ? JsonSerializer.Deserialize(bytes, type, _json)
              ?? throw new SerializationException($"an empty '{manifest}' message")
            : throw new SerializationException(
                $"a trainer message '{manifest}' that this version of ActorEvolve does not know");

    sealed class GenomeAsKey : JsonConverter<Genome>
    {
        public override Genome Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            Genome.Parse(reader.GetString()!);

        public override void Write(Utf8JsonWriter writer, Genome value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value.Key);
    }

    sealed class ActorRefAsPath(ExtendedActorSystem system) : JsonConverter<IActorRef>
    {
        public override IActorRef Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            system.Provider.ResolveActorRef(reader.GetString()!);

        public override void Write(Utf8JsonWriter writer, IActorRef value, JsonSerializerOptions options) =>
            writer.WriteStringValue(Serialization.SerializedActorPath(value));
    }
}
