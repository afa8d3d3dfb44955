using ActorEvolve.Core.Evolution;
using ActorEvolve.Engine.Persistence;
using Akka.Persistence.TestKit;
using ActorEvolve.Engine.Protocol;

namespace ActorEvolve.Engine.Tests;

/// <summary>A journal that fails a write (Akka.Persistence.TestKit's TestJournal): the run stops with a clear
/// message, and what was journaled before resumes.</summary>
public sealed class JournalFaultSpec() : EngineSpec("akka.persistence.journal.test")
{
    [Fact]
    public async Task A_failed_journal_write_stops_the_run_and_leaves_it_resumable()
    {
        var journal = TestJournal.FromRef(Akka.Persistence.Persistence.Instance.Apply(Sys).JournalFor(null));
        var written = 0;
        await journal.OnWrite.FailIf(p =>
            p.Payload is RunJournal.FitnessRecorded && Interlocked.Increment(ref written) > 3);

        var fitness = new FakeFitness();
        var ga = new GaSettings(Population: 8, Generations: 2);
        StartRun(fitness, ga, runId: "faulty");
        var aborted = (RunAborted)FishForMessage<RunEvent>(e => e is RunAborted, Patience);
        Assert.False(aborted.BadInput);
        Assert.Contains("the journal refused a write", aborted.Reason);
        Assert.Contains("everything before it is saved", aborted.Reason);

        await journal.OnWrite.Pass();
        StartRun(fitness, ga, runId: "faulty", resume: true);
        var resumed = ReceiveRun();
        Assert.Equal(3, ((RunResumed)resumed[0]).Facts.Count); // the three writes before the failure
        Assert.IsType<RunCompleted>(resumed[^1]);
    }
}
