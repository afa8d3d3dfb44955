using ActorEvolve.Core.Evolution;
using ActorEvolve.Core.Fitness;
using ActorEvolve.Core.Genes;

namespace ActorEvolve.Engine.Protocol;

/// <summary>What a run tells its listeners (live view, results writer, dashboard, the .NET API), in order. Sent by
/// the PopulationActor only after what it reports is journaled.</summary>
public abstract record RunEvent;

/// <summary>What a run's steps are called: generations, or for a steady-state run rounds of population-size joins
/// (<see cref="SteadyStateSearch.History"/>), which its events report as generations.</summary>
public static class RunStep
{
    public const string Generation = "generation", Round = "round";
}

/// <summary>A resumed run: what was already evaluated before it stopped (in recording order).</summary>
/// <param name="Trials">A rung run: the current generation's rung trials that came back before it stopped.</param>
public sealed record RunResumed(int Generation, IReadOnlyList<RecordedFitness> Facts,
    IReadOnlyList<GenerationSummary> History, string Step = RunStep.Generation,
    IReadOnlyList<RungTrained>? Trials = null) : RunEvent;

/// <param name="At">When the generation started, before any of its trainings (for the engine-overhead figure).</param>
/// <param name="Ages">A steady-state round's population: each member's age, in births since its own (the newest
/// is 0); regularized evolution removes the oldest. Null for a generation.</param>
public sealed record GenerationStarted(int Generation, int Generations, IReadOnlyList<Genome> Population,
    int ToTrain, int Cached, DateTimeOffset At, string Step = RunStep.Generation, IReadOnlyList<int>? Ages = null)
    : RunEvent;

public sealed record EvaluationRecorded(int Generation, Genome Genome, FitnessResult Result) : RunEvent;

/// <summary>A run with rungs (<see cref="SuccessiveHalving"/>): one trial came back, journaled. The genome trained
/// from epoch <paramref name="FromEpochs"/> (its checkpoint at the rung below; 0: from scratch, e.g. after its
/// checkpoint was lost) up to <paramref name="Epochs"/>, rung <paramref name="Rung"/>'s budget;
/// <paramref name="Stopped"/>: its training ended there on its own (early stopping, or a failure), so it goes no
/// further. The generation's final results follow as <see cref="EvaluationRecorded"/> once its rungs are settled.
/// </summary>
public sealed record RungTrained(int Generation, Genome Genome, int Rung, int Epochs, int FromEpochs,
    FitnessResult Result, bool Stopped) : RunEvent
{
    /// <summary>The epochs the trial trained.</summary>
    public int EpochsTrained => Result.EpochsReached - FromEpochs;

    /// <summary>A trial at <paramref name="rung"/>, trained from where its result says: a promotion asked to go on from
    /// the rung below, unless it said it trained more (its checkpoint was lost).</summary>
    public static RungTrained Of(int generation, Genome genome, int rung, FitnessResult result, bool stopped,
        RungSettings rungs)
    {
        var from = result.EpochsReached - result.EpochsSince(rungs.EpochsBefore(rung));
        return new(generation, genome, rung, rungs.Epochs[rung], Math.Max(0, from), result, stopped);
    }
}

public sealed record GenerationCompleted(GenerationSummary Summary, IReadOnlyList<ScoredGenome> Ranked,
    DateTimeOffset At, string Step = RunStep.Generation) : RunEvent;

public sealed record FinalEvaluationStarted(ScoredGenome Winner) : RunEvent;

/// <param name="Front">A two-objective run's Pareto front, most accurate (first objective) first, with the test
/// score of each member that was tested; null for one objective.</param>
public sealed record RunCompleted(ScoredGenome Winner, FitnessResult? Test, IReadOnlyList<GenerationSummary> History,
    IReadOnlyList<ScoredGenome> Top, IReadOnlyList<FrontMember>? Front = null) : RunEvent;

/// <summary>A member of a two-objective run's Pareto front; <paramref name="Test"/> when it was tested.</summary>
public sealed record FrontMember(ScoredGenome Member, FitnessResult? Test)
{
    /// <summary>The members whose final test evaluation runs: the front's ends and members spread between them.
    /// </summary>
    public const int Tested = 5;

    /// <summary>The front of a finished two-objective run (null for one objective), each member with its test
    /// score from <paramref name="tests"/> (by genome key).</summary>
    public static IReadOnlyList<FrontMember>? Of(IEnumerable<ScoredGenome> evaluated, Objective objective,
        IReadOnlyDictionary<string, FitnessResult?> tests) => objective.IsPareto
        ? Pareto.Front(evaluated, objective).Select(m => new FrontMember(m, tests.GetValueOrDefault(m.Genome.Key)))
            .ToArray()
        : null;
}

/// <summary>The run stopped without completing. <paramref name="BadInput"/>: the user asked for something
/// impossible (resume an unknown or finished run, another search space); nothing was written.</summary>
public sealed record RunAborted(string Reason, bool BadInput) : RunEvent;
