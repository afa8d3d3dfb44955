using System.Text.Json.Serialization;
using ActorEvolve.Core.Evolution;
using ActorEvolve.Core.Fitness;
using ActorEvolve.Core.Genes;

namespace ActorEvolve.Engine.Persistence;

/// <summary>
/// What a run journals, one record type per fact (nested here so no name is shared with the
/// run events of <see cref="Protocol"/>). Version 2 of the schema (each record's manifest carries its version, see
/// <see cref="JournalSerializer"/>): version 2 added the run's objective and every metric of a result (later, with
/// the format unchanged, a result's optional learning curve); version-1 records read as the same types with those
/// absent (an accuracy-maximising run). Version 3, written only for a two-objective run, added the objective's second
/// metric and the finish's tested front. A rung run's results also say the epochs they cost
/// (<see cref="FitnessRecorded.EpochsTrained"/>, format unchanged: older records read without it). Records hold plain
/// values (keys, numbers), never live objects, so the schema stays stable as code changes.
/// </summary>
public static class RunJournal
{
    public static string PersistenceId(string runId) => $"run-{runId}";

    public static IReadOnlyList<string> Describe(SearchSpace space) => space.Genes.Select(g => g.Describe()).ToArray();

    public interface IRecord;

    /// <param name="Space">The search space, one canonical line per gene (<see cref="GeneSpec.Describe"/>).</param>
    /// <param name="Config">The run's whole effective <c>actorevolve</c> configuration, as HOCON.</param>
    /// <param name="Objective">What the run optimises; absent in format-1 journals, which all maximised accuracy.
    /// </param>
    public sealed record RunStarted(string RunId, long Seed, GaSettings Ga, IReadOnlyList<string> Space, string Config,
        Objective? Objective = null) : IRecord
    {
        [System.Text.Json.Serialization.JsonIgnore]
        public Objective Goal => Objective ?? Core.Fitness.Objective.Default;
    }

    public sealed record GenerationStarted(int Generation, IReadOnlyList<string> Population) : IRecord;

    public sealed record FitnessRecorded(int Generation, string Genome, double Accuracy, double ValidationLoss,
        int Epochs,
        double Seconds, string Trainer, string? Failure, double? TestAccuracy = null, DateTimeOffset? FinishedAt = null,
        IReadOnlyDictionary<string, double>? Metrics = null, IReadOnlyList<EpochScore>? Curve = null,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Rung = null,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] bool Partial = false,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? EpochsTrained = null) : IRecord
    {
        public static FitnessRecorded From(RecordedFitness fact) => new(fact.Generation, fact.Genome.Key,
            fact.Result.Accuracy, fact.Result.ValidationLoss, fact.Result.Epochs, fact.Result.Seconds,
            fact.Result.Trainer, fact.Result.FailureReason,
            fact.Result.TestAccuracy, fact.Result.FinishedAt, fact.Result.Metrics, fact.Result.Curve,
            fact.Result.Rung, fact.Result.Partial, fact.Result.EpochsTrained);

        public RecordedFitness ToFact() => new(Generation, Core.Genes.Genome.Parse(Genome),
            new FitnessResult(Accuracy, ValidationLoss, Epochs, Seconds, Trainer, Failure, TestAccuracy, FinishedAt,
                Metrics, Curve: Curve, Rung: Rung, Partial: Partial, EpochsTrained: EpochsTrained));
    }

    /// <summary>A run with rungs: one trial of the current generation came back (<see cref="Protocol.RungTrained"/>).
    /// Recovery feeds these to the generation's <see cref="SuccessiveHalving"/>, so no finished rung trains again;
    /// <see cref="FitnessRecorded.Trainer"/> names the node that holds the genome's checkpoint.</summary>
    public sealed record RungCompleted(int Rung, bool Stopped, FitnessRecorded Fitness) : IRecord
    {
        /// <summary>The trial as the run told it.</summary>
        public Protocol.RungTrained Told(RungSettings rungs)
        {
            var fact = Fitness.ToFact();
            return Protocol.RungTrained.Of(fact.Generation, fact.Genome, Rung, fact.Result, Stopped, rungs);
        }
    }

    public sealed record GenerationCompleted(int Generation, double Best, double Mean, double Worst, string BestGenome)
        : IRecord;

    /// <param name="Front">A two-objective run's tested front members (the winner among them); absent otherwise.
    /// </param>
    public sealed record RunFinished(string Winner, double? TestAccuracy, double? TestLoss,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<FrontTest>? Front = null)
        : IRecord;

    /// <summary>The test score of a tested front member (null: it has none, e.g. its training failed).</summary>
    public sealed record FrontTest(string Genome, double? TestAccuracy, double? TestLoss)
    {
        public static FrontTest From(string genome, FitnessResult? test) =>
            test is { Failed: false } ? new(genome, test.Accuracy, test.ValidationLoss) : new(genome, null, null);

        /// <summary>The score as a result (null when there is none).</summary>
        public FitnessResult? ToResult(int epochs, string trainer) => TestAccuracy is { } accuracy
            ? new FitnessResult(accuracy, TestLoss ?? double.NaN, epochs, 0, trainer) : null;
    }

    /// <summary>A steady-state run's child number <paramref name="Birth"/> was born (<see cref="SteadyBirth"/>).
    /// Steady-state records came with format 2 unchanged: a journal without them reads as before.</summary>
    public sealed record ChildBorn(int Birth, string Genome) : IRecord;

    /// <summary>A steady-state evaluation came back (<see cref="SteadyResult"/>); its generation is the round.
    /// </summary>
    public sealed record ChildEvaluated(FitnessRecorded Fitness) : IRecord;

    /// <summary>A steady-state population member left (<see cref="SteadyRemoval"/>).</summary>
    public sealed record MemberRemoved(int Birth, string Genome) : IRecord;

    /// <summary>A steady-state rung run started a promotion (<see cref="SteadyPromotion"/>): which genome goes on
    /// depends on the order results arrived in, so recovery replays it, and sends the promotions without a result
    /// again.</summary>
    public sealed record GenomePromoted(int Rung, string Genome) : IRecord;

    /// <summary>The journal record of a steady-state fact; <paramref name="round"/>: the run's round then.</summary>
    public static IRecord From(SteadyFact fact, int round) => fact switch
    {
        SteadyBirth b => new ChildBorn(b.Index, b.Genome.Key),
        SteadyResult r => new ChildEvaluated(FitnessRecorded.From(new RecordedFitness(round, r.Genome, r.Result))),
        SteadyRemoval x => new MemberRemoved(x.Birth, x.Genome.Key),
        SteadyPromotion p => new GenomePromoted(p.Rung, p.Genome.Key),
        _ => throw new ArgumentOutOfRangeException(nameof(fact), fact, "not a steady-state fact"),
    };

    /// <summary>Taken at generation boundaries: everything needed to rebuild the run without its events.</summary>
    public sealed record RunSnapshot(RunStarted Started, int CompletedGenerations, IReadOnlyList<FitnessRecorded> Facts,
        RunFinished? Finished) : IRecord;
}
