using ActorEvolve.Core.Evolution;
using ActorEvolve.Core.Fitness;
using ActorEvolve.Engine.Protocol;
using ActorEvolve.Engine.Results;
using ActorEvolve.Training.Tables;

namespace ActorEvolve.Engine.Tests;

/// <summary>Steady-state runs with rungs (ASHA) on the recorded Fashion-MNIST grid with learning curves, through the
/// real table fitness: a rung's result is the genome's curve cut at its budget (patience 2, as recorded), and a
/// promotion waits only its share of the recorded training counted from its checkpoint.</summary>
public sealed class SteadyRungsSpec : EngineSpec
{
    static readonly RungSettings Rungs = new([3, 9], Reduction: 3);
    static readonly GaSettings Ga = new(Population: 12, Evaluations: 36, Mode: GaMode.SteadyState,
        AvoidDuplicates: true, Tournament: 2, Initial: InitialPopulation.Grid, Rungs: Rungs);
    readonly string _state = Directory.CreateTempSubdirectory("actorevolve-steady-rungs-").FullName;

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing); // stops the trainers first
        if (disposing) Directory.Delete(_state, recursive: true);
    }

    static TableFitness Grid(TimeSpan wholeTraining) => new(
        Path.Combine(AppContext.BaseDirectory, "grids", "fashion-mnist-curves.csv"), Space, wholeTraining, patience: 2);

    static (string Genome, int Rung) Trial(RungTrained t) => (t.Genome.Key, t.Rung);

    [Fact]
    public void Each_birth_trains_its_first_rung_the_best_go_on_from_their_checkpoint_and_none_trains_a_rung_twice()
    {
        var wholeTraining = TimeSpan.FromMilliseconds(90);
        StartRun(Grid(wholeTraining), Ga, runId: "asha", slots: 3, stateDirectory: _state);
        var events = ReceiveRun();

        var trials = events.OfType<RungTrained>().ToArray();
        Assert.Equal(trials.Length, trials.Select(Trial).Distinct().Count());
        Assert.Equal(36, trials.Count(t => t.Rung == 0)); // every birth a new network (avoid-duplicates)
        var promotions = trials.Where(t => t.Rung == 1).ToArray();
        // Once the run is over no promotion is due: every genome in the top third of the first rung (by its score
        // there) went on, unless patience stopped it there. Early promotions may add a few that fell out since.
        var topThird = trials.Where(t => t.Rung == 0).OrderByDescending(t => t.Result.Score)
            .ThenBy(t => t.Genome.Key, StringComparer.Ordinal).Take(36 / 3).ToArray();
        Assert.All(topThird, t => Assert.True(t.Stopped || promotions.Any(p => p.Genome.Equals(t.Genome))));
        Assert.True(promotions.Length >= 36 / 3 - topThird.Count(t => t.Stopped));
        foreach (var promotion in promotions)
        {
            var first = trials.Single(t => t.Rung == 0 && t.Genome.Equals(promotion.Genome));
            Assert.False(first.Stopped);
            Assert.Equal(3, promotion.FromEpochs);
            // Continued from its checkpoint: it waited for the epochs after 3 only, less than a training from
            // scratch to as many epochs waits on any curve of the grid (at most 9 epochs).
            var trained = promotion.Result.Curve!.Count;
            Assert.True(promotion.Result.Seconds < wholeTraining.TotalSeconds * trained / 9,
                $"{promotion.Genome.Key} trained {trained} epochs in {promotion.Result.Seconds} s: from scratch");
        }
        // Each genome's last result is its highest rung's; the run ranks them like with like, the winner fully
        // trained (the grid's curves have no genome stopped at 3 epochs whose score beats every full training).
        var completed = (RunCompleted)events[^1];
        var last = events.OfType<EvaluationRecorded>().GroupBy(e => e.Genome.Key)
            .ToDictionary(g => g.Key, g => g.Last().Result);
        Assert.All(completed.Top, t => Assert.Equal(last[t.Genome.Key], t.Fitness));
        Assert.False(completed.Winner.Fitness.Partial);
        Assert.Contains(last.Values, r => r.Partial); // and some stopped short of full training by selection
        Assert.Equal(Evolver.Rank(last.Select(l => new ScoredGenome(Core.Genes.Genome.Parse(l.Key), l.Value)))
            .Take(10).Select(s => s.Genome.Key), completed.Top.Select(t => t.Genome.Key));
        // No checkpoint outlives the run.
        AwaitAssert(() => Assert.False(Directory.Exists(Path.Combine(_state, "asha", "checkpoints"))), Patience);
    }

    [Fact]
    public void A_run_stopped_mid_rung_resumes_with_the_trials_it_lacked_and_trains_no_finished_rung_again()
    {
        var fitness = Grid(TimeSpan.FromMilliseconds(300));
        var run = StartRun(fitness, Ga, runId: "stopped", slots: 2, stateDirectory: _state);
        var before = new List<RungTrained>();
        bool Collected(object m)
        {
            if (m is RungTrained trained) before.Add(trained);
            return m is Akka.Actor.Terminated t && t.ActorRef.Equals(run);
        }
        FishForMessage<RunEvent>(e => Collected(e) || before.Count(t => t.Rung == 1) >= 2, Patience);
        Watch(run);
        Sys.Stop(run);
        FishForMessage<object>(Collected, Patience);
        // A genome whose result is final (its top rung, or stopped by patience) has no checkpoint left; one that may
        // still be promoted keeps its own.
        var checkpoints = RunFiles.OnNode(_state, "stopped")!.Checkpoints;
        var last = before.GroupBy(t => t.Genome.Key).Select(g => g.Last()).ToArray();
        AwaitAssert(() => Assert.All(last.Where(t => !t.Result.Partial),
            t => Assert.False(Directory.Exists(checkpoints.For(0, t.Genome.Key)), t.Genome.Key)), Patience);
        Assert.Contains(last, t => t.Result.Partial && Directory.Exists(checkpoints.For(0, t.Genome.Key)));

        StartRun(fitness, Ga, runId: "stopped", resume: true, stateDirectory: _state);
        var resumed = ReceiveRun(TimeSpan.FromSeconds(120));

        var recovered = Assert.IsType<RunResumed>(resumed[0]);
        Assert.True(recovered.Facts.Count >= before.Count); // every trial reported was journaled first
        var after = resumed.OfType<RungTrained>().ToArray();
        var all = before.Concat(after).Select(Trial).ToArray();
        Assert.Equal(all.Length, all.Distinct().Count()); // no rung trained twice across the stop
        Assert.Equal(36, all.Count(t => t.Rung == 0));
        Assert.False(((RunCompleted)resumed[^1]).Winner.Fitness.Partial);
    }
}
