using System.Collections.Concurrent;
using System.Globalization;
using ActorEvolve.Core.Evolution;
using ActorEvolve.Core.Fitness;
using ActorEvolve.Core.Genes;
using ActorEvolve.Engine.Protocol;

namespace ActorEvolve.Engine.Tests;

/// <summary>A fitness that trains in epochs, for rung tests: each genome's accuracy climbs towards its own ceiling at
/// its own speed (so the ranking after few epochs is not the final one), and its "checkpoint" is a file holding the
/// epoch reached. Records every training: genome, the epoch it went on from, the epoch it stopped at. Each epoch
/// trained takes <paramref name="perEpoch"/> (cancellable), so a run can be stopped part-way.</summary>
public sealed class CurveFitness(int maxEpochs, TimeSpan perEpoch = default) : IRungFitness
{
    const string EpochFile = "epoch";

    public int MaxEpochs => maxEpochs;

    public ConcurrentQueue<(string Genome, int From, int To)> Trainings { get; } = new();

    /// <summary>Validation accuracy after <paramref name="epochs"/> epochs, deterministic per genome.</summary>
    public static double Accuracy(Genome genome, int epochs)
    {
        var ceiling = FakeFitness.Score(genome).Accuracy;
        var speed = 0.2 + ceiling * 37 % 1;
        return ceiling * (1 - Math.Pow(1 - speed, epochs));
    }

    public FitnessResult EvaluateUpTo(Genome genome, int epochs, string? checkpoint, EvaluationContext context,
        CancellationToken cancellation)
    {
        var file = checkpoint is null ? null : Path.Combine(checkpoint, EpochFile);
        var saved = file is not null && File.Exists(file) ? File.ReadAllText(file) : "0";
        var from = int.Parse(saved, CultureInfo.InvariantCulture) is var epoch && epoch <= epochs ? epoch : 0;
        cancellation.WaitHandle.WaitOne(perEpoch * (epochs - from));
        cancellation.ThrowIfCancellationRequested();
        Trainings.Enqueue((genome.Key, from, epochs));
        if (checkpoint is not null && epochs < maxEpochs)
        {
            Directory.CreateDirectory(checkpoint);
            File.WriteAllText(file + ".tmp", epochs.ToString(CultureInfo.InvariantCulture));
            File.Move(file + ".tmp", file!, overwrite: true); // as a real checkpoint: whole or not at all
        }
        var curve = Enumerable.Range(1, epochs).Select(e => Accuracy(genome, e))
            .Select(accuracy => new EpochScore(accuracy, 1 - accuracy)).ToArray();
        return new FitnessResult(curve[^1].Accuracy, curve[^1].Loss, epochs, 0, context.Trainer, Curve: curve,
            EpochsTrained: epochs - from);
    }

    public FitnessResult Evaluate(Genome genome, EvaluationContext context, CancellationToken cancellation) =>
        EvaluateUpTo(genome, maxEpochs, null, context, cancellation);

    public FitnessResult? EvaluateOnTestSet(Genome genome, int epochs, EvaluationContext context, string? saveModelTo,
        CancellationToken cancellation) => null;
}

public sealed class RungsSpec : EngineSpec
{
    static readonly RungSettings Rungs = new([1, 3, 9], Reduction: 2);
    static readonly GaSettings Ga = new(Population: 10, Generations: 3, AvoidDuplicates: true, Rungs: Rungs);
    readonly string _state = Directory.CreateTempSubdirectory("actorevolve-rungs-").FullName;

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing); // stops the trainers first
        if (disposing) Directory.Delete(_state, recursive: true);
    }

    [Fact]
    public void Each_generation_ends_as_successive_halving_says_whatever_order_the_trials_came_back_in()
    {
        var fitness = new CurveFitness(9);
        StartRun(fitness, Ga, runId: "rungs", stateDirectory: _state);
        var events = ReceiveRun();

        foreach (var generation in events.OfType<GenerationStarted>())
        {
            var recorded = events.OfType<EvaluationRecorded>().Where(e => e.Generation == generation.Generation)
                .ToDictionary(e => e.Genome.Key, e => e.Result);
            // The pure halving, fed every child's result at every rung it reached, in a fixed order.
            var halving = new SuccessiveHalving(generation.Population.Where(g => recorded.ContainsKey(g.Key)).ToArray(),
                Rungs);
            while (halving.Next() is { } trial)
                halving.Record(trial.Genome, trial.Rung, Trained(trial), stopped: false);
            var expected = halving.Results();
            Assert.Equal(expected.Count, recorded.Count);
            foreach (var child in expected)
            {
                Assert.Equal(child.Fitness.Rung, recorded[child.Genome.Key].Rung);
                Assert.Equal(child.Fitness.Partial, recorded[child.Genome.Key].Partial);
                Assert.Equal(child.Fitness.Accuracy, recorded[child.Genome.Key].Accuracy);
            }
            Assert.Contains(recorded.Values, r => r is { Rung: 2, Partial: false });
            Assert.Contains(recorded.Values, r => r.Partial);
        }
        // Fully trained genomes rank above stopped ones: the winner was trained to the end.
        Assert.False(((RunCompleted)events[^1]).Winner.Fitness.Partial);
    }

    [Fact]
    public void A_promotion_continues_from_its_checkpoint_and_no_checkpoint_outlives_the_run()
    {
        var fitness = new CurveFitness(9);
        StartRun(fitness, Ga, runId: "continued", stateDirectory: _state);
        var events = ReceiveRun();

        var promotions = events.OfType<RungTrained>().Where(t => t.Rung > 0).ToArray();
        Assert.NotEmpty(promotions);
        foreach (var promotion in promotions)
        {
            Assert.Equal(Rungs.Epochs[promotion.Rung - 1], promotion.FromEpochs);
            Assert.Contains((promotion.Genome.Key, promotion.FromEpochs, promotion.Epochs), fitness.Trainings);
        }
        // Dropped once the last generation settled (the trainer node does it as the run goes on to its winner).
        AwaitAssert(() => Assert.False(Directory.Exists(Path.Combine(_state, "continued", "checkpoints"))), Patience);
    }

    [Fact]
    public void A_run_stopped_between_rungs_resumes_to_the_same_outcome_without_training_a_finished_rung_again()
    {
        var fitness = new CurveFitness(9, TimeSpan.FromMilliseconds(30));
        StartRun(fitness, Ga, runId: "reference", stateDirectory: _state);
        var reference = ReceiveRun();

        var run = StartRun(fitness, Ga, runId: "interrupted", stateDirectory: _state);
        FishForMessage<RunEvent>(e => e is GenerationStarted { Generation: 1 }, Patience);
        var before = new List<RungTrained>();
        FishForMessage<RunEvent>(e => Collected(e) is RungTrained { Generation: 1, Rung: 1 }, Patience);
        Watch(run);
        Sys.Stop(run);
        FishForMessage<object>(m => m is Akka.Actor.Terminated t && t.ActorRef.Equals(run), Patience);

        StartRun(fitness, Ga, runId: "interrupted", resume: true, stateDirectory: _state);
        var resumed = ReceiveRun();

        // Stopped in generation 1, unless the machine was too slow to stop it before that generation settled.
        var generation = Assert.IsType<RunResumed>(resumed[0]).Generation;
        Assert.InRange(generation, 1, 2);
        Assert.Equal(reference.OfType<GenerationStarted>().Skip(generation).Select(g => g.Population),
            resumed.OfType<GenerationStarted>().Select(g => g.Population));
        Assert.Equal(((RunCompleted)reference[^1]).Top.Select(t => (t.Genome.Key, t.Fitness.Accuracy)),
            ((RunCompleted)resumed[^1]).Top.Select(t => (t.Genome.Key, t.Fitness.Accuracy)));
        var finished = before.Select(t => (t.Generation, t.Genome.Key, t.Rung)).ToHashSet();
        Assert.NotEmpty(finished);
        Assert.DoesNotContain(resumed.OfType<RungTrained>(),
            t => finished.Contains((t.Generation, t.Genome.Key, t.Rung)));

        RunEvent Collected(RunEvent e)
        {
            if (e is RungTrained trained) before.Add(trained);
            return e;
        }
    }

    [Fact]
    public void A_promotion_whose_checkpoint_is_gone_trains_from_scratch_to_the_same_outcome()
    {
        var fitness = new CurveFitness(9, TimeSpan.FromMilliseconds(100));
        StartRun(fitness, Ga, runId: "reference", stateDirectory: _state);
        var reference = ReceiveRun();
        // Children that generation 1 promotes: stop the run once one of them has its first rung (and checkpoint).
        var promoted = reference.OfType<EvaluationRecorded>().Where(e => e is { Generation: 1, Result.Rung: > 0 })
            .Select(e => e.Genome.Key).ToHashSet();

        var run = StartRun(fitness, Ga, runId: "lost", stateDirectory: _state);
        var child = FishForMessage<RunEvent>(e => e is RungTrained { Generation: 1, Rung: 0 } t
                                                  && promoted.Contains(t.Genome.Key), Patience);
        Watch(run);
        Sys.Stop(run);
        FishForMessage<object>(m => m is Akka.Actor.Terminated t && t.ActorRef.Equals(run), Patience);
        // The node that held the checkpoints is gone (here: its disk).
        Directory.Delete(Path.Combine(_state, "lost", "checkpoints"), recursive: true);

        StartRun(fitness, Ga, runId: "lost", resume: true, stateDirectory: _state);
        var resumed = ReceiveRun();

        Assert.Equal(((RunCompleted)reference[^1]).Top.Select(t => (t.Genome.Key, t.Fitness.Accuracy)),
            ((RunCompleted)resumed[^1]).Top.Select(t => (t.Genome.Key, t.Fitness.Accuracy)));
        // Its next rung trained from scratch: with its checkpoint it goes on from epoch 1, as in the reference run.
        var key = ((RungTrained)child).Genome.Key;
        Assert.Contains((key, Rungs.Epochs[0], Rungs.Epochs[1]), fitness.Trainings);
        Assert.Contains((key, 0, Rungs.Epochs[1]), fitness.Trainings);
        // The resumed run tells the trials that came back before it stopped, the retraining as one from scratch, and
        // the child's result costs the epochs of each of its trials.
        var told = Assert.IsType<RunResumed>(resumed[0]).Trials!;
        Assert.Contains(told, t => t is { Generation: 1, Rung: 0 } && t.Genome.Key == key);
        var trials = told.Concat(resumed.OfType<RungTrained>()).Where(t => t.Generation == 1 && t.Genome.Key == key)
            .ToArray();
        var retrained = Assert.Single(trials, t => t.Rung == 1);
        Assert.Equal((0, Rungs.Epochs[1]), (retrained.FromEpochs, retrained.EpochsTrained));
        var result = resumed.OfType<EvaluationRecorded>().Single(e => e.Genome.Key == key).Result;
        Assert.Equal(trials.Sum(t => t.EpochsTrained), result.EpochsTrained);
        Assert.True(result.EpochsTrained > result.EpochsReached, "the retraining was not counted");
    }

    static FitnessResult Trained(RungTrial trial)
    {
        var accuracy = CurveFitness.Accuracy(trial.Genome, trial.Epochs);
        return new FitnessResult(accuracy, 1 - accuracy, trial.Epochs, 0, "");
    }
}
