using Akka.Actor;
using ActorEvolve.Engine.Persistence;
using BenchmarkDotNet.Attributes;

namespace ActorEvolve.Benchmarks;

/// <summary>The journal serializer: one evaluation's event, and a generation-boundary snapshot of a 50 x 100
/// run.</summary>
public class SerializerBenchmarks
{
    ActorSystem _system = null!;
    JournalSerializer _serializer = null!;
    RunJournal.FitnessRecorded _event = null!;
    RunJournal.RunSnapshot _snapshot = null!;
    byte[] _eventBytes = null!, _snapshotBytes = null!;

    [GlobalSetup]
    public void Setup()
    {
        _system = ActorSystem.Create("bench");
        _serializer = new JournalSerializer((ExtendedActorSystem)_system);
        _event = new RunJournal.FitnessRecorded(3, "activation=relu;nb_layers=2;nb_neurons=512;optimizer=adamax",
            0.8632, 0.3811, 6, 21.4, "akka.tcp://actorevolve@127.0.0.1:4053/user/trainers/c1", null);
        var started = new RunJournal.RunStarted("bench", 42,
            new Core.Evolution.GaSettings(Population: 50, Generations: 100),
            ["activation: [relu, elu, tanh, sigmoid]", "nb_layers: 1..4"], "actorevolve { seed = 42 }");
        _snapshot = new RunJournal.RunSnapshot(started, 100,
            Enumerable.Range(0, 5000).Select(i => _event with { Generation = i / 50 }).ToArray(), null);
        _eventBytes = _serializer.ToBinary(_event);
        _snapshotBytes = _serializer.ToBinary(_snapshot);
    }

    [GlobalCleanup]
    public void Cleanup() => _system.Terminate().Wait();

    [Benchmark] public byte[] EventToBinary() => _serializer.ToBinary(_event);
    [Benchmark] public object EventFromBinary() => _serializer.FromBinary(_eventBytes, _serializer.Manifest(_event));
    [Benchmark] public byte[] SnapshotToBinary() => _serializer.ToBinary(_snapshot);
    [Benchmark] public object SnapshotFromBinary() =>
        _serializer.FromBinary(_snapshotBytes, _serializer.Manifest(_snapshot));
}
