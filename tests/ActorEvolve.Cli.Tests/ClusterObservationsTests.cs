using Akka.Actor;
using ActorEvolve.Cli.Bench;
using ActorEvolve.Core.Fitness;
using ActorEvolve.Core.Genes;
using ActorEvolve.Engine.Protocol;

namespace ActorEvolve.Cli.Tests;

/// <summary>The figures <c>bench cluster</c> makes of what its coordinator saw, on a timeline written out here.
/// </summary>
public sealed class ClusterObservationsTests
{
    static readonly DateTimeOffset Start = new(2026, 11, 28, 0, 0, 0, TimeSpan.Zero);
    static DateTimeOffset At(double seconds) => Start.AddSeconds(seconds);
    const string Stable = "127.0.0.1:5001", Joiner = "127.0.0.1:5009", Idle = "127.0.0.1:5010";

    /// <summary>Generations at 0, 10, 20 and 40 s; genomes wait for slots in generation 1 until 12 s (its last
    /// start), in generation 2 from 20 s, and nodes die at 21 s, in generation 2.</summary>
    static ClusterObservations Run()
    {
        var observations = new ClusterObservations();
        foreach (var (generation, at) in new[] { (0, 0.0), (1, 10.0), (2, 20.0), (3, 40.0) })
            observations.Record(new GenerationStarted(generation, 4, [], 0, 0, At(at)));
        foreach (var (genome, at) in new[] { ("a", 0.0), ("b", 12.0), ("c", 23.0), ("d", 41.0) })
            observations.Started.Enqueue(($"{Stable}/slot-1", genome, At(at)));
        var last = Genome.Parse("x=1");
        observations.Finished.Enqueue(new EvaluationRecorded(3, last,
            new FitnessResult(0.5, 0.5, 1, 1, $"{Stable}/slot-1", FinishedAt: At(45))));
        return observations;
    }

    [Fact]
    public void Join_to_first_evaluation_counts_only_the_time_genomes_waited_for_a_slot()
    {
        var observations = Run();
        // Up in generation 1's tail (14 s), first genome at 20.5 s in the generation in which nodes die: genomes
        // waited for 0.5 s of that (it was measured from generation 3's start, 40 s, and came out at -19.5 s).
        observations.NodeUp[Joiner] = At(14);
        observations.Started.Enqueue(($"{Joiner}/slot-1", "e", At(20.5)));
        Assert.Equal(0.5, observations.JoinToFirstEvaluation([Joiner], At(21))!.Value, precision: 6);
    }

    [Fact]
    public void A_joiner_that_never_trained_is_reported_as_such()
    {
        var observations = Run();
        observations.NodeUp[Idle] = At(14);
        Assert.Equal(double.PositiveInfinity, observations.JoinToFirstEvaluation([Idle], At(21)));
    }

    /// <summary>A slot's reference as the coordinator holds it: only its path (node and slot name) is read.</summary>
    sealed class SlotRef(string node, string slot) : MinimalActorRef
    {
        public override ActorPath Path { get; } = new RootActorPath(
            new Address("akka.tcp", "actorevolve", node.Split(':')[0], int.Parse(node.Split(':')[1]))) / "user" / slot;
        public override IActorRefProvider Provider => throw new NotSupportedException();
    }

    [Fact]
    public void A_genome_lost_with_its_node_after_its_round_settled_counts_as_lost_until_it_starts_elsewhere()
    {
        // Steady state: rounds close on results, so the round of a genome training on a node that dies closes
        // without it (at 12 s here) before the failure detector flags the node (21 s); it starts again at 40 s.
        var observations = Run();
        var (victim, other) = (new SlotRef(Joiner, "c1"), new SlotRef(Stable, "c2"));
        observations.NodeUp[Joiner] = At(0);
        observations.NodeUp[Stable] = At(0);
        observations.Attempts.Enqueue(new SlotAttempt(victim, "lost", 1, false, At(11)));
        observations.Started.Enqueue(($"{Joiner}/c1", "lost", At(11)));
        observations.NodeGone[Joiner] = At(21);
        observations.Attempts.Enqueue(new SlotAttempt(other, "lost", 2, false, At(40)));
        observations.Started.Enqueue(($"{Stable}/c2", "lost", At(40)));
        Assert.Equal(20, observations.DeathToElsewhere(At(20))!.Value, precision: 6);
    }
}
