using Akka.Actor;
using ActorEvolve.Core.Evolution;
using ActorEvolve.Core.Fitness;
using ActorEvolve.Core.Genes;
using ActorEvolve.Engine.Cluster;
using ActorEvolve.Engine.Configuration;
using ActorEvolve.Engine.Persistence;
using ActorEvolve.Engine.Protocol;

namespace ActorEvolve.Engine.Tests;

/// <summary>What crosses a process boundary (the journal, the wire to trainer nodes) goes through our explicit
/// serializers as configured in hocon/akka.conf, and comes back equal.</summary>
public sealed class SerializationSpec() : Akka.TestKit.Xunit2.TestKit(HoconLoader.Load())
{
    static readonly Genome Genome = Genome.Parse("activation=relu;nb_layers=2;nb_neurons=512;optimizer=adamax");

    object RoundTrip(object message, Type expectedSerializer)
    {
        var serializer = Sys.Serialization.FindSerializerFor(message);
        Assert.IsType(expectedSerializer, serializer);
        var manifest = Akka.Serialization.Serialization.ManifestFor(serializer, message);
        return Sys.Serialization.Deserialize(serializer.ToBinary(message), serializer.Identifier, manifest);
    }

    [Fact]
    public void Trainer_messages_cross_nodes_through_the_trainer_serializer()
    {
        var result = new FitnessResult(0.8632, 0.3811, 6, 21.4, "127.0.0.1:4053/c1", TestAccuracy: 0.85);
        var evaluate = (EvaluateGenome)RoundTrip(new EvaluateGenome(42, Genome, 2,
            new FinalEvaluation(6, SaveModel: true)), typeof(TrainerProtocolSerializer));
        Assert.Equal(Genome, evaluate.Genome);
        Assert.Equal((42L, 2, new FinalEvaluation(6, SaveModel: true)),
            (evaluate.RunSeed, evaluate.Attempt, evaluate.Final));
        Assert.Equal(new GenomeEvaluated(Genome.Key, 2, result),
            RoundTrip(new GenomeEvaluated(Genome.Key, 2, result), typeof(TrainerProtocolSerializer)));
        var failed = FitnessResult.Failure("diverged: loss became NaN/Inf in epoch 3", "t", 1.5, 3);
        Assert.Equal(failed, ((GenomeEvaluated)RoundTrip(new GenomeEvaluated(Genome.Key, 1, failed),
            typeof(TrainerProtocolSerializer))).Result);
        Assert.Equal(new EvaluationFailed(Genome.Key, 3, "boom"),
            RoundTrip(new EvaluationFailed(Genome.Key, 3, "boom"), typeof(TrainerProtocolSerializer)));
        Assert.Equal(new CancelEvaluation(Genome.Key, 2),
            RoundTrip(new CancelEvaluation(Genome.Key, 2), typeof(TrainerProtocolSerializer)));
        Assert.Equal(GetSlots.Instance, RoundTrip(GetSlots.Instance, typeof(TrainerProtocolSerializer)));
        var offered = (SlotsOffered)RoundTrip(new SlotsOffered([TestActor, Sys.DeadLetters]),
            typeof(TrainerProtocolSerializer));
        Assert.Equal([TestActor, Sys.DeadLetters], offered.Slots);
    }

    [Fact]
    public void Journal_records_round_trip_and_a_newer_format_is_refused_with_a_message()
    {
        var started = new RunJournal.RunStarted("run", 7, new GaSettings(AvoidDuplicates: true, Tournament: 2),
            ["nb_layers: 1..4"], "actorevolve {}");
        var recorded = new RunJournal.FitnessRecorded(3, Genome.Key, 0.86, 0.38, 6, 21.4, "t", null, 0.85);
        var back = (RunJournal.RunStarted)RoundTrip(started, typeof(JournalSerializer));
        Assert.Equal((started.RunId, started.Seed, started.Ga, started.Config),
            (back.RunId, back.Seed, back.Ga, back.Config));
        Assert.Equal(started.Space, back.Space);
        Assert.Equal(recorded, RoundTrip(recorded, typeof(JournalSerializer)));

        var serializer = (JournalSerializer)Sys.Serialization.FindSerializerFor(recorded);
        Assert.Equal("fitness-recorded/2", serializer.Manifest(recorded));
        var newer = Assert.Throws<IncompatibleJournalException>(() =>
            serializer.FromBinary(serializer.ToBinary(recorded), "fitness-recorded/4"));
        Assert.Contains("journal format 3", newer.Message);
    }

    [Fact]
    public void A_two_objective_runs_start_and_finish_are_format_3_and_round_trip()
    {
        var objective = new Objective("accuracy", true, new Objective("parameters", false));
        var started = new RunJournal.RunStarted("r", 1, new GaSettings(), ["a"], "", objective);
        var finished = new RunJournal.RunFinished("k", 0.8, 0.4, [new RunJournal.FrontTest("k", 0.8, 0.4)]);
        var serializer = (JournalSerializer)Sys.Serialization.FindSerializerFor(started);
        Assert.Equal("run-started/3", serializer.Manifest(started));
        Assert.Equal("run-finished/3", serializer.Manifest(finished));
        Assert.Equal("run-snapshot/3", serializer.Manifest(new RunJournal.RunSnapshot(started, 1, [], null)));
        Assert.Equal("run-started/2", serializer.Manifest(started with { Objective = null }));
        Assert.Equal(objective, ((RunJournal.RunStarted)RoundTrip(started, typeof(JournalSerializer))).Objective);
        Assert.Equal(finished.Front,
            ((RunJournal.RunFinished)RoundTrip(finished, typeof(JournalSerializer))).Front);
    }

    [Fact]
    public void Format_1_records_read_as_an_accuracy_run_and_metrics_round_trip_in_format_2()
    {
        var serializer =
            (JournalSerializer)Sys.Serialization.FindSerializerFor(new RunJournal.RunFinished("g", null, null));
        // Written by ActorEvolve with journal format 1, byte for byte.
        var v1Started = """{"run_id":"r","seed":7,"ga":{"population":20},"space":["nb_layers ∈ 1..4"],"config":""}"""u8;
        var started = (RunJournal.RunStarted)serializer.FromBinary(v1Started.ToArray(), "run-started/1");
        Assert.Null(started.Objective);
        Assert.Equal(Core.Fitness.Objective.Default, started.Goal);

        var metrics = new Dictionary<string, double> { ["accuracy"] = 0.9, ["latency_ms"] = double.NaN };
        var recorded = new RunJournal.FitnessRecorded(1, Genome.Key, 0.9, 0.3, 2, 1.5, "t", null, Metrics: metrics);
        var back = (RunJournal.FitnessRecorded)RoundTrip(recorded, typeof(JournalSerializer));
        Assert.Equal(metrics, back.Metrics);
        Assert.Null(back.Curve);
    }

    [Fact]
    public void A_learning_curve_round_trips_in_the_journal_and_over_the_wire()
    {
        EpochScore[] curve = [new(0.7, 0.9), new(0.8, 0.6)];
        var recorded = new RunJournal.FitnessRecorded(1, Genome.Key, 0.8, 0.6, 2, 1.5, "t", null, Curve: curve);
        Assert.Equal(curve, ((RunJournal.FitnessRecorded)RoundTrip(recorded, typeof(JournalSerializer))).Curve);
        var evaluated = new GenomeEvaluated(Genome.Key, 1, recorded.ToFact().Result);
        Assert.Equal(curve, ((GenomeEvaluated)RoundTrip(evaluated, typeof(TrainerProtocolSerializer))).Result.Curve);
    }
}
