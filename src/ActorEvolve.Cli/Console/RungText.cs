using System.Globalization;
using ActorEvolve.Engine.Results;

namespace ActorEvolve.Cli.Console;

/// <summary>How a rung run's rungs read in the live view, the final table and the report: the same words and
/// columns everywhere.</summary>
public static class RungText
{
    /// <summary>The current rungs in two lines (one would wrap on a terminal of 80 columns), as the live view and
    /// the dashboard show them: a generation's trials back of each rung's final set; a steady-state run's genomes
    /// that reached each rung so far, as its summary counts them (ASHA promotes all run long: no rung has a final
    /// set).</summary>
    public static (string Heading, string Rungs) Now(ProgressModel m)
    {
        if (!m.SteadyRungs)
            return ($"Rungs this {m.Step}: {Number(m.EpochsTrainedNow)} epochs trained; genomes back/final set:",
                string.Join(", ", m.RungsNow.Select(r => $"{Epochs(r.Epochs)} {r.Back}/{r.Final}")));
        var total = m.RungTallies.Total;
        var reached = m.Rungs!.Epochs.Select((epochs, rung) => $"{Epochs(epochs)} {Number(total?.Reached[rung] ?? 0)}");
        return ($"Rungs so far: {Number(total?.EpochsTrained ?? 0)} epochs trained; genomes that reached each:",
            string.Join(", ", reached));
    }

    /// <summary>"1 epoch", "9 epochs".</summary>
    public static string Epochs(int epochs) => epochs == 1 ? "1 epoch" : $"{epochs} epochs";

    /// <summary>The rung tally's columns after a leading label column: the genomes that reached each rung (named by
    /// its budget), the partial ones, epochs trained, epochs full training would have taken, epochs saved.</summary>
    public static string[] Header(IEnumerable<int> rungEpochs) =>
        [.. rungEpochs.Select(e => $"Reached {e} ep."), "Partial", "Epochs trained", "Full training", "Saved"];

    public static string[] Cells(RungTally tally) =>
    [
        .. tally.Reached.Select(Number), Number(tally.Partial), Number(tally.EpochsTrained),
        Number(tally.EpochsFull), Saved(tally),
    ];

    /// <summary>The live view's columns, which fit 80 characters with three rungs of the full budget under a
    /// title that says what they count: each rung by its budget, partial, epochs trained and saved (full training
    /// is their sum).</summary>
    public static string[] ShortHeader(IEnumerable<int> rungEpochs) =>
        [.. rungEpochs.Select(e => $"{e} ep."), "Partial", "Trained", "Saved"];

    public static string[] ShortCells(RungTally tally) =>
        [.. tally.Reached.Select(Number), Number(tally.Partial), Number(tally.EpochsTrained), Saved(tally)];

    static string Saved(RungTally tally) => $"{Number(tally.EpochsSaved)} ({Percent(tally.SavedShare)})";

    /// <summary>"9 of 36 epochs trained, 27 saved (75%)".</summary>
    public static string Saving(RungTally tally) =>
        $"{Number(tally.EpochsTrained)} of {Number(tally.EpochsFull)} epochs trained, " +
        $"{Number(tally.EpochsSaved)} saved ({Percent(tally.SavedShare)})";

    /// <summary>"of 20 genomes, 6 reached 3 epochs, 2 reached 9 epochs".</summary>
    public static string Reached(RungsReport rungs) =>
        $"of {Number(rungs.Total.Reached[0])} genomes, " + string.Join(", ", rungs.Epochs.Skip(1)
            .Zip(rungs.Total.Reached.Skip(1), (epochs, reached) => $"{Number(reached)} reached {Epochs(epochs)}"));

    /// <summary>A listed genome's rung: "2", or "0 (partial)" when selection stopped it short of full training;
    /// empty without rungs.</summary>
    public static string Rung(int? rung, bool partial) =>
        rung is not { } reached ? "" : partial ? $"{Number(reached)} (partial)" : Number(reached);

    static string Number(int n) => n.ToString("N0", CultureInfo.InvariantCulture);

    static string Percent(double share) => share.ToString("0%", CultureInfo.InvariantCulture);
}
