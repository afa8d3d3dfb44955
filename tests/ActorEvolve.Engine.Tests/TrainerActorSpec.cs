using Akka.Actor;
using ActorEvolve.Core.Genes;
using ActorEvolve.Engine.Actors;
using ActorEvolve.Engine.Protocol;

namespace ActorEvolve.Engine.Tests;

/// <summary>What a trainer does with what arrives over the wire: a run id names a folder under the node's own
/// state folder, never a path of the sender's choosing.</summary>
public sealed class TrainerActorSpec : Akka.TestKit.Xunit2.TestKit
{
    static readonly Genome Genome = Genome.Parse("activation=relu;nb_layers=1;nb_neurons=64;optimizer=adam");

    [Fact]
    public void A_winner_s_model_is_saved_under_the_node_s_own_state_folder_and_a_run_id_cannot_lead_out_of_it()
    {
        IgnoreMessages(m => m is TrainingProgress);
        var fitness = new FakeFitness();
        var trainer = Sys.ActorOf(TrainerActor.Props(fitness, "node", "/srv/state", CancellationToken.None));
        foreach (var runId in new[] { "good", "../../etc", "a/b", ".." })
        {
            trainer.Tell(new EvaluateGenome(1, Genome, 1, new FinalEvaluation(1, SaveModel: true), runId));
            ExpectMsg<GenomeEvaluated>();
        }
        trainer.Tell(new EvaluateGenome(1, Genome, 1, new FinalEvaluation(1, SaveModel: false), "good"));
        ExpectMsg<GenomeEvaluated>();

        Assert.Equal(["/srv/state/good/winner.model", null, null, null, null], fitness.SavedModels);
    }
}
