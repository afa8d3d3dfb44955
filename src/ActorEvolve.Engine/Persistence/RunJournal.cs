using ActorEvolve.Core.Evolution;
using ActorEvolve.Core.Fitness;
using ActorEvolve.Core.Genes;

namespace ActorEvolve.Engine.Persistence;

/// <summary>
/// What a run journals. Version 1 of the schema; each record's manifest carries its version
/// (<see cref="JournalSerializer"/>), so a later version can read these and refuse ones it does not know.
/// Records hold plain values (keys, numbers), never live objects, so the schema stays stable as code changes.
/// Adding an optional field (with a default, like <see cref="FitnessRecorded.TestAccuracy"/>) keeps version 1:
/// old records read with the default, and older versions ignore the field.
/// </summary>
public interface IRunJournalRecord;

/// <param name="Space">The search space, one canonical line per gene (<see cref="GeneSpec.Describe"/>).</param>
/// <param name="Config">The run's whole effective <c>actorevolve</c> configuration, as HOCON.</param>
public sealed record RunStarted(string RunId, long Seed, GaSettings Ga, IReadOnlyList<string> Space, string Config)
    : IRunJournalRecord;

public sealed record GenerationStarted(int Generation, IReadOnlyList<string> Population) : IRunJournalRecord;

public sealed record FitnessRecorded(int Generation, string Genome, double Accuracy, double ValidationLoss, int Epochs,
    double Seconds, string Trainer, string? Failure, double? TestAccuracy = null, DateTimeOffset? FinishedAt = null) : IRunJournalRecord
{
    public static FitnessRecorded From(RecordedFitness fact) => new(fact.Generation, fact.Genome.Key, fact.Result.Accuracy,
        fact.Result.ValidationLoss, fact.Result.Epochs, fact.Result.Seconds, fact.Result.Trainer, fact.Result.FailureReason,
        fact.Result.TestAccuracy, fact.Result.FinishedAt);

    public RecordedFitness ToFact() => new(Generation, Core.Genes.Genome.Parse(Genome),
        new FitnessResult(Accuracy, ValidationLoss, Epochs, Seconds, Trainer, Failure, TestAccuracy, FinishedAt));
}

public sealed record GenerationCompleted(int Generation, double Best, double Mean, double Worst, string BestGenome)
    : IRunJournalRecord;

public sealed record RunFinished(string Winner, double? TestAccuracy, double? TestLoss) : IRunJournalRecord;

/// <summary>Taken at generation boundaries: everything needed to rebuild the run without its events.</summary>
public sealed record RunSnapshot(RunStarted Started, int CompletedGenerations, IReadOnlyList<FitnessRecorded> Facts,
    RunFinished? Finished) : IRunJournalRecord;

public static class RunJournal
{
    public static string PersistenceId(string runId) => $"run-{runId}";

    public static IReadOnlyList<string> Describe(SearchSpace space) => space.Genes.Select(g => g.Describe()).ToArray();
}
