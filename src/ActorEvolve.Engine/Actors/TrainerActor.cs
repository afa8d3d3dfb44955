using Akka.Actor;
using Akka.Event;
using ActorEvolve.Core.Fitness;
using ActorEvolve.Core.Genes;
using ActorEvolve.Engine.Protocol;
using ActorEvolve.Engine.Results;

namespace ActorEvolve.Engine.Actors;

/// <summary>
/// One trainer slot. Each evaluation runs off the mailbox on a thread of its own (a long-running task: training
/// blocks for seconds to hours, which on the shared thread pool would starve the dispatchers and the remoting
/// heartbeats), with a token cancelled by <see cref="CancelEvaluation"/> or the node's shutdown. Its outcome is
/// piped back to this actor, which answers the asker. A request that arrives while a cancelled training unwinds
/// (at most one batch) waits for it: one training per slot, always. Keeps no state worth keeping across a
/// restart.
/// </summary>
public sealed class TrainerActor : ReceiveActor, IWithUnboundedStash
{
    /// <summary>How long stopping waits for a cancelled training to unwind: it must not outlive the actor system
    /// (a native TorchSharp thread still running while the process exits crashes it).</summary>
    static readonly TimeSpan UnwindTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The training task's end, piped back to the actor (the asker has its answer already).</summary>
    sealed record TrainingEnded
    {
        public static readonly TrainingEnded Instance = new();
    }

    sealed record Training(EvaluateGenome Request, IActorRef Asker, CancellationTokenSource Cancellation, Task Task);

    readonly ILoggingAdapter _log = Context.GetLogger();
    readonly IFitnessFunction _fitness;
    readonly string _name;
    readonly string? _stateDirectory;
    readonly CancellationToken _shutdown;
    Training? _training;

    public IStash Stash { get; set; } = null!;

    /// <param name="stateDirectory">This node's state folder, where a winner's model is saved and rung trials keep
    /// their checkpoints (null: nowhere; every rung then trains from scratch).</param>
    public TrainerActor(IFitnessFunction fitness, string nodeName, string? stateDirectory, CancellationToken shutdown)
    {
        _fitness = fitness;
        _name = TrainerNames.Slot(nodeName, Self.Path.Name);
        _stateDirectory = stateDirectory;
        _shutdown = shutdown;
        Idle();
    }

    public static Props Props(IFitnessFunction fitness, string nodeName, string? stateDirectory,
        CancellationToken shutdown) =>
        Akka.Actor.Props.Create(() => new TrainerActor(fitness, nodeName, stateDirectory, shutdown));

    /// <summary>Where this node saves a run's winning model: its own state folder, by run id. The wire only names
    /// the run; an id that is not a plain folder name saves nothing.</summary>
    string? ModelPath(EvaluateGenome request) =>
        request.Final is { SaveModel: true } ? RunFiles.OnNode(_stateDirectory, request.RunId)?.Model : null;

    void Idle()
    {
        Receive<EvaluateGenome>(Start);
        Receive<CancelEvaluation>(_ => { }); // it ended before the cancel arrived
    }

    void Busy()
    {
        Receive<TrainingEnded>(_ =>
        {
            _training!.Cancellation.Dispose();
            _training = null;
            Become(Idle);
            Stash.UnstashAll();
        });
        Receive<CancelEvaluation>(Matches, _ => _training!.Cancellation.Cancel());
        Receive<CancelEvaluation>(_ => { }); // for an attempt that is already over
        Receive<EvaluateGenome>(_ => Stash.Stash());
    }

    bool Matches(CancelEvaluation cancel) =>
        cancel.GenomeKey == _training!.Request.Genome.Key && cancel.Attempt == _training.Request.Attempt;

    void Start(EvaluateGenome request)
    {
        var asker = Sender;
        var cancellation = CancellationTokenSource.CreateLinkedTokenSource(_shutdown);
        var self = Self;
        // The answer leaves from the training's thread, not through this mailbox: the coordinator can lend the slot
        // again one hop sooner (a request that arrives before TrainingEnded waits in the stash).
        var task = Task.Factory.StartNew(() =>
        {
            if (Evaluate(request, asker, cancellation.Token) is { } answer) asker.Tell(answer, self);
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        task.PipeTo(Self, success: () => TrainingEnded.Instance);
        _training = new Training(request, asker, cancellation, task);
        Become(Busy);
    }

    /// <summary>Runs on the training's own thread: touches no actor state, only the request and the token. Null
    /// when cancelled: nobody waits for the answer.</summary>
    ITrainerMessage? Evaluate(EvaluateGenome request, IActorRef asker, CancellationToken cancellation)
    {
        var genome = request.Genome.Key;
        void Progress(int epoch, double accuracy) => asker.Tell(new TrainingProgress(_name, genome, epoch, accuracy));
        Progress(0, 0); // started: live views show the slot busy from the first second
        var context = new EvaluationContext(request.RunSeed, _name, Progress, request.RunId, request.Attempt,
            line => _log.Info("{0} attempt {1}: {2}", genome, request.Attempt, line));
        try
        {
            var result = request switch
            {
                { Final: { } final } => _fitness.EvaluateOnTestSet(request.Genome, final.Epochs, context,
                    ModelPath(request), cancellation) ?? FitnessResult.Failure("this fitness source has no test set",
                    _name),
                { Rung: { } rung } => _fitness is IRungFitness rungs
                    ? rungs.EvaluateUpTo(request.Genome, rung.Epochs,
                        RunFiles.OnNode(_stateDirectory, request.RunId)?.Checkpoints.For(rung.Generation, genome),
                        context, cancellation)
                    : throw new EvaluationException("this node's fitness cannot train in rungs"),
                _ => _fitness.Evaluate(request.Genome, context, cancellation),
            };
            return cancellation.IsCancellationRequested ? null : new GenomeEvaluated(genome, request.Attempt, result);
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            return null; // the asker moved on, or the node is stopping and the resumed run redoes it
        }
        catch (EvaluationException e) when (!cancellation.IsCancellationRequested)
        {
            _log.Warning("Evaluation of {0} failed on attempt {1}: {2}", genome, request.Attempt, e.Message);
            return new EvaluationFailed(genome, request.Attempt, e.Message);
        }
        catch (Exception e) when (!cancellation.IsCancellationRequested)
        {
            _log.Warning(e, "Evaluation of {0} failed on attempt {1}", genome, request.Attempt);
            return new EvaluationFailed(genome, request.Attempt, $"{e.GetType().Name}: {e.Message}");
        }
        catch (Exception) // failed because it was cancelled (an exec: program killed mid-answer): nobody waits
        {
            return null;
        }
    }

    /// <summary>Stopping (the node shuts down, or a crash restarts us) cancels the training and waits for it.</summary>
    protected override void PostStop()
    {
        if (_training is not { } training) return;
        training.Cancellation.Cancel();
        if (!training.Task.Wait(UnwindTimeout))
            _log.Warning("The training of {0} did not stop within {1}", training.Request.Genome.Key, UnwindTimeout);
    }
}
