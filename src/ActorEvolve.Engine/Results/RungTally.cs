using System.Text.Json.Serialization;
using ActorEvolve.Core.Evolution;
using ActorEvolve.Core.Fitness;

namespace ActorEvolve.Engine.Results;

/// <summary>How far a rung run's children got (<see cref="SuccessiveHalving"/>) and what stopping them early saved,
/// from their final results alone (journaled facts), so a resumed run tells the same as an uninterrupted one.
/// <paramref name="Reached"/>: per rung, the children in its final set (every child reached rung 0).
/// <paramref name="Partial"/>: children stopped short of full training by selection.
/// <paramref name="EpochsTrained"/>: epochs every rung trial of the children trained (<see
/// cref="FitnessResult.EpochsTrained"/>: a promotion continues from the rung below; an early promotion that fell out
/// of the next rung's final set and a retraining from scratch after a lost checkpoint count too, a trial cancelled
/// when its generation settled does not). <paramref name="EpochsFull"/>:
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
    /// <param name="results">Results in the order they came, with their genome's key: a genome's last result says
    /// how far it got, and every result what it trained (in a steady-state rung run each rung trial's result is
    /// recorded, a promotion's superseding the genome's earlier ones).</param>
    public static RungTally? Of(RungSettings rungs, IEnumerable<(string Genome, FitnessResult Result)> results)
    {
        var measured = results.Where(r => r.Result.Rung is not null).ToArray();
        var children = Latest(measured, r => r.Genome).Select(r => r.Result).ToArray();
        if (children.Length == 0) return null;
        return new RungTally(
            Enumerable.Range(0, rungs.Count).Select(rung => children.Count(r => r.Rung >= rung)).ToArray(),
            children.Count(r => r.Partial), measured.Sum(r => r.Result.EpochsSince(0)),
            children.Sum(r => r.Partial ? rungs.Epochs[^1] : r.EpochsReached));
    }

    /// <summary>Each genome's last item, in the order genomes first came.</summary>
    public static IEnumerable<T> Latest<T>(IEnumerable<T> items, Func<T, string> genome) =>
        items.GroupBy(genome, StringComparer.Ordinal).Select(g => g.Last());
}

/// <summary>summary.json's <c>rungs</c> for a rung run: its rungs as configured and the tally over every child.
/// </summary>
public sealed record RungsReport(IReadOnlyList<int> Epochs, int Reduction, RungTally Total);
