using Akka.Actor;
using Akka.Event;
using ActorEvolve.Core.Fitness;
using ActorEvolve.Core.Genes;

namespace ActorEvolve.Engine.Actors;

/// <summary>The messages that cross nodes between a run and its trainers, serialized by
/// <see cref="Cluster.TrainerProtocolSerializer"/> (never by reflection over type names).</summary>
public interface ITrainerMessage;

/// <summary>Train one genome: for fitness (validation set), or as the final winner (test set).</summary>
public sealed record EvaluateGenome(long RunSeed, Genome Genome, int Attempt, FinalEvaluation? Final = null,
    string RunId = "") : ITrainerMessage;

/// <summary>Asks for the winner's retraining on all non-test data, its test score and its saved model.</summary>
public sealed record FinalEvaluation(int Epochs, string? SaveModelTo);

public sealed record GenomeEvaluated(string GenomeKey, int Attempt, FitnessResult Result) : ITrainerMessage;

/// <summary>The evaluation threw (a bug, out of memory, a missing file): the asker may retry elsewhere.</summary>
public sealed record EvaluationFailed(string GenomeKey, int Attempt, string Reason) : ITrainerMessage;

/// <summary>Sent to the asking GenomeActor after each epoch (wherever it runs), which publishes it on the run's event
/// stream for live views.</summary>
public sealed record TrainingProgress(string Trainer, string GenomeKey, int Epoch, double ValidationAccuracy) : ITrainerMessage;

/// <summary>
/// One trainer slot. It blocks while training, which is why it runs on its own pinned dispatcher
/// (<c>actorevolve.trainer-dispatcher</c>): one thread per slot, never borrowed from other actors.
/// It keeps no state between messages, so the router restarts it freely after an unexpected crash.
/// </summary>
public sealed class TrainerActor : ReceiveActor
{
    readonly ILoggingAdapter _log = Context.GetLogger();

    public TrainerActor()
    {
        var node = TrainerNode.Get(Context.System);
        var name = $"{node.NodeName}/{Self.Path.Name}";
        Receive<EvaluateGenome>(request =>
        {
            var asker = Sender;
            void Progress(int epoch, double accuracy) => asker.Tell(new TrainingProgress(name, request.Genome.Key, epoch, accuracy));
            Progress(0, 0); // started: live views show the slot busy from the first second
            var genome = request.Genome.Key;
            var context = new EvaluationContext(request.RunSeed, name, Progress, request.RunId, request.Attempt,
                line => _log.Info("{0} attempt {1}: {2}", genome, request.Attempt, line));
            try
            {
                var result = request.Final is { } final
                    ? node.Fitness.EvaluateOnTestSet(request.Genome, final.Epochs, context, final.SaveModelTo, node.Shutdown)
                      ?? FitnessResult.Failure("this fitness source has no test set", name)
                    : node.Fitness.Evaluate(request.Genome, context, node.Shutdown);
                Sender.Tell(new GenomeEvaluated(genome, request.Attempt, result));
            }
            catch (OperationCanceledException) when (node.Shutdown.IsCancellationRequested)
            {
                // The node is shutting down: the asker's timeout or the resumed run will redo this evaluation.
            }
            catch (EvaluationException e)
            {
                _log.Warning("Evaluation of {0} failed on attempt {1}: {2}", genome, request.Attempt, e.Message);
                Sender.Tell(new EvaluationFailed(genome, request.Attempt, e.Message));
            }
            catch (Exception e)
            {
                _log.Warning(e, "Evaluation of {0} failed on attempt {1}", genome, request.Attempt);
                Sender.Tell(new EvaluationFailed(genome, request.Attempt, $"{e.GetType().Name}: {e.Message}"));
            }
        });
    }
}
