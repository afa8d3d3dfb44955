using System.Text.Json.Serialization;
using ActorEvolve.Core.Evolution;
using ActorEvolve.Core.Fitness;

namespace ActorEvolve.Engine.Results;

/// <summary>How far a rung run's children got (<see cref="SuccessiveHalving"/>) and what stopping them early saved,
/// from their final results alone, so a resumed run tells the same as an uninterrupted one.
/// <paramref name="Reached"/>: per rung, the children in its final set (every child reached rung 0).
/// <paramref name="Partial"/>: children stopped short of full training by selection.
/// <paramref name="EpochsTrained"/>: epochs trained up to each child's final rung (a promotion continues from the
/// rung below, so a child costs the epochs of its highest rung; an early promotion that fell out of the next rung's
/// final set, or a retraining from scratch after a lost checkpoint, is not counted). <paramref name="EpochsFull"/>:
/// what training every child fully would have taken: the full budget for a partial child (at most: early stopping
/// might have ended it sooner), what it trained for any other.</summary>
public sealed record RungTally(IReadOnlyList<int> Reached, int Partial, int EpochsTrained, int EpochsFull)
{
    public int EpochsSaved => EpochsFull - EpochsTrained;

    /// <summary>The saved share of <see cref="EpochsFull"/> (0 when nothing was trained).</summary>
    [JsonIgnore]
    public double SavedShare => EpochsFull == 0 ? 0 : (double)EpochsSaved / EpochsFull;

    /// <summary>The tally of the children among <paramref name="results"/> that went through rungs (those with a
    /// <see cref="FitnessResult.Rung"/>); null when none did.</summary>
    public static RungTally? Of(RungSettings rungs, IEnumerable<FitnessResult> results)
    {
        var children = results.Where(r => r.Rung is not null).ToArray();
        if (children.Length == 0) return null;
        return new RungTally(
            Enumerable.Range(0, rungs.Count).Select(rung => children.Count(r => r.Rung >= rung)).ToArray(),
            children.Count(r => r.Partial), children.Sum(Trained),
            children.Sum(r => r.Partial ? rungs.Epochs[^1] : Trained(r)));
    }

    /// <summary>Epochs a result's training ran: its curve's length where measured (the epoch it reports is the one
    /// with the best validation loss, before early stopping's patience ran out), else its epochs.</summary>
    public static int Trained(FitnessResult result) => result.Curve?.Count ?? result.Epochs;
}

/// <summary>summary.json's <c>rungs</c> for a rung run: its rungs as configured and the tally over every child.
/// </summary>
public sealed record RungsReport(IReadOnlyList<int> Epochs, int Reduction, RungTally Total);
