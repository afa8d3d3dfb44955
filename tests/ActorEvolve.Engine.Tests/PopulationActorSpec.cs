using System.Collections.Concurrent;
using ActorEvolve.Core.Evolution;
using ActorEvolve.Core.Fitness;
using ActorEvolve.Core.Genes;
using ActorEvolve.Engine.Protocol;
using ActorEvolve.Engine.Configuration;

namespace ActorEvolve.Engine.Tests;

public sealed class PopulationActorSpec : EngineSpec
{
    [Fact]
    public void A_generation_completes_with_every_genome_scored()
    {
        var fitness = new FakeFitness();
        StartRun(fitness, new GaSettings(Population: 8, Generations: 1));

        var started = ExpectMsg<GenerationStarted>(Patience);
        Assert.Equal(8, started.Population.Count);
        var events = ReceiveRun();
        var recorded = events.OfType<EvaluationRecorded>().ToArray();
        Assert.Equal(started.ToTrain, recorded.Length);
        var completed = Assert.Single(events.OfType<GenerationCompleted>());
        Assert.Equal(started.Population.Max(g => FakeFitness.Score(g).Accuracy), completed.Summary.Best);
        var run = (RunCompleted)events[^1];
        Assert.Equal(0.5, run.Test!.Accuracy);
        Assert.Equal(completed.Summary.BestGenome, run.Winner.Genome.Key);
    }

    [Fact]
    public void Both_trainer_slots_do_work()
    {
        var fitness = new FakeFitness((g, _) => { Thread.Sleep(50); return null; });
        StartRun(fitness, new GaSettings(Population: 10, Generations: 1), slots: 2);
        var trainers = ReceiveRun().OfType<EvaluationRecorded>().Select(r => r.Result.Trainer).Distinct().ToArray();
        Assert.Equal(2, trainers.Length);
    }

    [Fact]
    public void A_trainer_that_throws_is_retried_and_the_generation_completes()
    {
        var fitness = new FakeFitness((_, call) =>
            call == 1 ? throw new InvalidOperationException("worker crashed") : null);
        StartRun(fitness, new GaSettings(Population: 6, Generations: 1));

        var recorded = ReceiveRun().OfType<EvaluationRecorded>().ToArray();
        Assert.All(recorded, r => Assert.False(r.Result.Failed));
        Assert.All(recorded, r => Assert.Equal(2, fitness.Calls[r.Genome.Key]));
    }

    [Fact]
    public void A_training_that_does_not_answer_in_time_is_cancelled_and_its_slot_trains_the_retry()
    {
        var hung = new ConcurrentQueue<string>();
        var cancelled = new ConcurrentQueue<string>();
        var fitness = new FakeFitness((g, call, cancellation) =>
        {
            if (call > 1 || !hung.IsEmpty) return null;
            hung.Enqueue(g.Key); // the first training hangs until it is cancelled
            try
            {
                Task.Delay(Timeout.Infinite, cancellation).Wait(cancellation);
            }
            catch (OperationCanceledException)
            {
                cancelled.Enqueue(g.Key);
                throw;
            }
            return null;
        });
        // One slot: the retry (and every other genome) can only train once the hung training is cancelled.
        StartRun(fitness, new GaSettings(Population: 4, Generations: 1), slots: 1,
            policy: new EvaluationPolicy(TimeSpan.FromMilliseconds(500), 3, TimeSpan.FromSeconds(5)));

        var recorded = ReceiveRun().OfType<EvaluationRecorded>().ToArray();
        var genome = Assert.Single(hung);
        Assert.Equal([genome], cancelled);
        Assert.All(recorded, r => Assert.False(r.Result.Failed));
        Assert.Equal(2, fitness.Calls[genome]);
    }

    [Fact]
    public void A_genome_that_fails_every_attempt_scores_as_failed_and_the_run_goes_on()
    {
        Genome? doomed = null;
        var fitness = new FakeFitness((g, _) =>
        {
            Interlocked.CompareExchange(ref doomed, g, null);
            return g == doomed ? throw new InvalidOperationException("out of memory") : null;
        });
        StartRun(fitness, new GaSettings(Population: 6, Generations: 2));

        var events = ReceiveRun();
        var failed = events.OfType<EvaluationRecorded>().Single(r => r.Genome == doomed);
        Assert.True(failed.Result.Failed);
        Assert.Contains("failed 3 attempts", failed.Result.FailureReason);
        Assert.Contains("out of memory", failed.Result.FailureReason);
        Assert.Equal(3, fitness.Calls[doomed!.Key]);
        Assert.Equal(2, events.OfType<GenerationCompleted>().Count());
    }

    [Fact]
    public void A_diverged_training_scores_as_failed_without_retries()
    {
        var fitness = new FakeFitness((g, _) =>
            FitnessResult.Failure("diverged: loss became NaN/Inf in epoch 1", "fake"));
        StartRun(fitness, new GaSettings(Population: 4, Generations: 1));
        var events = ReceiveRun();
        Assert.All(events.OfType<EvaluationRecorded>(), r => Assert.True(r.Result.Failed));
        Assert.All(fitness.Calls.Values, calls => Assert.Equal(1, calls));
        Assert.Null(((RunCompleted)events[^1]).Test); // nothing to retrain
    }

    [Fact]
    public void Duplicate_genomes_are_never_retrained()
    {
        var tiny = new SearchSpace([
            new ChoiceGene("activation", ["relu", "tanh"]), new ChoiceGene("optimizer", ["adam", "sgd", "nadam"]),
        ]);
        var fitness = new FakeFitness();
        StartRun(fitness, new GaSettings(Population: 10, Generations: 6), space: tiny);

        var events = ReceiveRun();
        Assert.All(fitness.Calls.Values, calls => Assert.Equal(1, calls));
        Assert.Equal(fitness.Calls.Count, events.OfType<EvaluationRecorded>().Count());
        Assert.True(fitness.Calls.Count <= 6);
        Assert.Equal(6, events.OfType<GenerationCompleted>().Count());
    }
}

public sealed class DeterminismSpec : EngineSpec
{
    [Fact]
    public void The_same_seed_gives_the_same_populations_and_winner()
    {
        // Random delays make answers arrive in a different order every run; the populations must not care.
        var fitness = new FakeFitness((_, _) => { Thread.Sleep(Random.Shared.Next(5)); return null; });
        List<IReadOnlyList<Genome>> Populations(long seed, out string winner)
        {
            var population = StartRun(fitness, new GaSettings(Population: 12, Generations: 5), seed);
            var events = ReceiveRun();
            winner = ((RunCompleted)events[^1]).Winner.Genome.Key;
            Sys.Stop(population);
            return events.OfType<GenerationStarted>().Select(g => g.Population).ToList();
        }

        var first = Populations(7, out var winner1);
        var second = Populations(7, out var winner2);
        var other = Populations(8, out _);
        Assert.Equal(5, first.Count);
        for (var g = 0; g < first.Count; g++) Assert.Equal(first[g], second[g]);
        Assert.Equal(winner1, winner2);
        Assert.NotEqual(first[0], other[0]);
    }
}

public sealed class ResumeSpec : EngineSpec
{
    [Fact]
    public void A_run_stopped_mid_generation_resumes_to_the_same_populations_without_reevaluating()
    {
        var fitness = new FakeFitness((_, _) => { Thread.Sleep(20); return null; });
        var ga = new GaSettings(Population: 12, Generations: 4);

        StartRun(fitness, ga, seed: 3, runId: "reference");
        var reference = ReceiveRun();

        // Stop the run abruptly in generation 2, after some of its evaluations were journaled.
        var run = StartRun(fitness, ga, seed: 3, runId: "interrupted");
        FishForMessage<RunEvent>(e => e is GenerationStarted { Generation: 2 }, Patience);
        FishForMessage<RunEvent>(e => e is EvaluationRecorded, Patience);
        Watch(run);
        Sys.Stop(run);
        FishForMessage<object>(m => m is Akka.Actor.Terminated t && t.ActorRef.Equals(run), Patience);
        var callsBefore = fitness.Calls.ToDictionary(kv => kv.Key, kv => kv.Value);

        StartRun(fitness, ga, seed: 3, runId: "interrupted", resume: true);
        var resumed = ReceiveRun();

        var recovered = Assert.IsType<RunResumed>(resumed[0]);
        Assert.Equal(2, recovered.Generation);
        Assert.Equal(2, recovered.History.Count);
        // Generation 2 onwards: the same populations and winner as the uninterrupted run.
        Assert.Equal(reference.OfType<GenerationStarted>().Skip(2).Select(g => g.Population),
            resumed.OfType<GenerationStarted>().Select(g => g.Population));
        var (expected, actual) = (((RunCompleted)reference[^1]).Winner, ((RunCompleted)resumed[^1]).Winner);
        Assert.Equal(expected.Genome, actual.Genome);
        Assert.Equal(expected.Fitness.Accuracy, actual.Fitness.Accuracy);
        // Nothing journaled before the stop was evaluated again.
        foreach (var fact in recovered.Facts)
            Assert.Equal(callsBefore[fact.Genome.Key], fitness.Calls[fact.Genome.Key]);
    }

    [Fact]
    public void Resuming_an_unknown_run_is_refused_without_writing()
    {
        StartRun(new FakeFitness(), new GaSettings(), runId: "never-started", resume: true);
        var aborted = ExpectMsg<RunAborted>(Patience);
        Assert.True(aborted.BadInput);
        Assert.Contains("there is no run 'never-started'", aborted.Reason);
    }

    [Fact]
    public void Resuming_with_another_search_space_or_seed_is_refused()
    {
        var fitness = new FakeFitness((_, _) => { Thread.Sleep(300); return null; });
        StartRun(fitness, new GaSettings(Population: 4, Generations: 2), seed: 1, runId: "r");
        FishForMessage<RunEvent>(e => e is EvaluationRecorded, Patience);
        // (the first run goes on: the resumes below are refused before they touch anything)
        var otherSpace = new SearchSpace([new ChoiceGene("activation", ["relu", "tanh"])]);
        StartRun(fitness, new GaSettings(Population: 4, Generations: 2), seed: 1, runId: "r", resume: true,
            space: otherSpace);
        Assert.Contains("another search space",
            ((RunAborted)FishForMessage<RunEvent>(e => e is RunAborted, Patience)).Reason);
        StartRun(fitness, new GaSettings(Population: 4, Generations: 2), seed: 2, runId: "r", resume: true);
        Assert.Contains("seed 1", ((RunAborted)FishForMessage<RunEvent>(e => e is RunAborted, Patience)).Reason);
    }
}
