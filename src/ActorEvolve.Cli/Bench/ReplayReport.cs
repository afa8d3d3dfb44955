using System.Globalization;
using System.Text;

namespace ActorEvolve.Cli.Bench;

/// <summary>The traces of one search method over all seeds.</summary>
public sealed record MethodTraces(string Name, IReadOnlyList<SearchTrace> Traces)
{
    public FindingStats ToBest => FindingStats.Of(Traces.Select(t => t.EvaluationsToBest).ToArray());
    public FindingStats ToNear => FindingStats.Of(Traces.Select(t => t.EvaluationsToNear).ToArray());
    public FindingStats SecondsToBest =>
        FindingStats.Of(Traces.Select(t => t.SecondsToBest is { } s ? (int?)Math.Round(s) : null).ToArray());
    /// <summary>Null when the grid has no learning curves.</summary>
    public FindingStats? EpochsToBest => Traces.Any(t => t.EpochsToBest is not null)
        ? FindingStats.Of(Traces.Select(t => t.EpochsToBest).ToArray()) : null;
    public double MedianEvaluations => Traces.Select(t => (double)t.Evaluations).Order().ElementAt(Traces.Count / 2);
    public double MedianEpochs => Traces.Select(t => (double)t.Epochs).Order().ElementAt(Traces.Count / 2);
    public double MeanFinalBest => Traces.Average(t => t.BestSoFar[^1]);

    /// <summary>Mean over seeds of the best fitness found after k unique evaluations (a finished search keeps its
    /// best).</summary>
    public double[] MeanCurve(int length) =>
        Enumerable.Range(0, length)
            .Select(k => Traces.Average(t => t.BestSoFar[Math.Min(k, t.Evaluations - 1)])).ToArray();

    /// <summary>Share of seeds that had not found the grid's best genome within k unique evaluations.</summary>
    public double NeverFoundWithin(int k) => Traces.Count(t => !(t.EvaluationsToBest <= k)) / (double)Traces.Count;

    /// <summary>Share of seeds that had found the grid's best genome after k unique evaluations.</summary>
    public double[] FoundCurve(int length) =>
        Enumerable.Range(1, length).Select(k => 1 - NeverFoundWithin(k)).ToArray();
}

/// <summary><c>bench replay</c>'s outputs: a markdown table (also printed) and two PNGs: best fitness found, and the
/// share of seeds that found the grid's best, against unique evaluations.</summary>
public static class ReplayReport
{
    static string N(double? v) => v is { } x ? x.ToString("0", CultureInfo.InvariantCulture) : "never";
    static string P(double v) => v.ToString("0.0%", CultureInfo.InvariantCulture);

    static StringBuilder Header(string table, int gridSize, double gridBest, double nearBand, int seeds) =>
        new StringBuilder().AppendLine(CultureInfo.InvariantCulture,
            $"Grid `{table}`: {gridSize} genomes, best fitness {gridBest:0.0000}; " +
            $"near = within {nearBand * 100:0.##} pp; {seeds} seeds.");

    public static string Markdown(string table, int gridSize, double gridBest, double nearBand, int seeds, int slots,
        IReadOnlyList<MethodTraces> methods)
    {
        var text = Header(table, gridSize, gridBest, nearBand, seeds);
        text.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"Seconds to best: the grid's recorded training times on {slots} simulated trainer slots (median); ") +
            "epochs to best: training epochs spent until the best genome was fully trained (learning curves only).");
        text.AppendLine();
        var epochs = methods.Any(m => m.EpochsToBest is not null);
        text.AppendLine("| Search | Unique evaluations per run (median) | To best: median | p10 | p90 | never | " +
                        "To near: median | p10 | p90 | never | Final best (mean) | Seconds to best |" +
                        (epochs ? " Epochs per run (median) | Epochs to best: median | p90 |" : ""));
        text.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|" + (epochs ? "---|---|---|" : ""));
        foreach (var m in methods)
        {
            var (best, near) = (m.ToBest, m.ToNear);
            var epochCells = epochs
                ? $" {N(m.MedianEpochs)} | {N(m.EpochsToBest?.Median)} | {N(m.EpochsToBest?.P90)} |" : "";
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {m.Name} | {m.MedianEvaluations:0} | {N(best.Median)} | {N(best.P10)} | {N(best.P90)} | " +
                $"{P(best.NeverShare)} | {N(near.Median)} | {N(near.P10)} | {N(near.P90)} | {P(near.NeverShare)} | " +
                $"{m.MeanFinalBest:0.0000} | {N(m.SecondsToBest.Median)} |{epochCells}");
        }
        return text.ToString();
    }

    /// <summary>Evaluations after which the peers' table reports the best found, and the budgets whose "never"
    /// share it reports (117: what the defaults spend in 20 x 10).</summary>
    public static readonly int[] BestAfter = [20, 50, 100], NeverWithin = [117, 300];

    /// <summary>The table docs/bench/peers.py prints too (same columns, same percentiles), for searches run up to
    /// <paramref name="cap"/> unique evaluations.</summary>
    public static string PeersMarkdown(string table, int gridSize, double gridBest, double nearBand, int seeds, int cap,
        IReadOnlyList<MethodTraces> methods)
    {
        var text = Header(table, gridSize, gridBest, nearBand, seeds).AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Searches run to {cap} unique evaluations.").AppendLine();
        text.AppendLine("| Search | To best: median | p10 | p90 | To near: median | " +
            string.Join(" | ", NeverWithin.Select(k => $"never within {k}")) + " | " +
            string.Join(" | ", BestAfter.Select(k => $"best after {k}")) + " |");
        text.AppendLine("|---|" + string.Concat(Enumerable.Repeat("---|", 4 + NeverWithin.Length + BestAfter.Length)));
        foreach (var m in methods)
        {
            var best = m.ToBest;
            var curve = m.MeanCurve(BestAfter.Max());
            string[] cells = [
                m.Name, N(best.Median), N(best.P10), N(best.P90), N(m.ToNear.Median),
                .. NeverWithin.Select(k => P(m.NeverFoundWithin(k))),
                .. BestAfter.Select(k => curve[k - 1].ToString("0.0000", CultureInfo.InvariantCulture)),
            ];
            text.AppendLine($"| {string.Join(" | ", cells)} |");
        }
        return text.ToString();
    }

    public const string BestFoundPng = "replay.png", ShareFoundPng = "replay-found.png";

    public static void Plot(string directory, double gridBest, IReadOnlyList<MethodTraces> methods)
    {
        var length = methods.Max(m => m.Traces.Max(t => t.Evaluations));
        var best = Chart(methods, length, m => m.MeanCurve(length), "Best fitness found (mean over seeds)",
            "Best validation accuracy found");
        var target = best.Add.HorizontalLine(gridBest);
        target.LinePattern = ScottPlot.LinePattern.Dashed;
        target.LegendText = "grid best";
        // The race is at the top; the first evaluations are noise.
        best.Axes.SetLimitsY(gridBest - 0.04, gridBest + 0.005);
        best.SavePng(Path.Combine(directory, BestFoundPng), 900, 550);

        var found = Chart(methods, length, m => m.FoundCurve(length), "Seeds that have found the grid's best genome",
            "Share of seeds");
        found.Axes.SetLimitsY(0, 1);
        found.SavePng(Path.Combine(directory, ShareFoundPng), 900, 550);
    }

    static ScottPlot.Plot Chart(IReadOnlyList<MethodTraces> methods, int length, Func<MethodTraces, double[]> curve,
        string title, string yLabel)
    {
        var plot = new ScottPlot.Plot();
        var xs = Enumerable.Range(1, length).Select(x => (double)x).ToArray();
        foreach (var method in methods)
        {
            var line = plot.Add.ScatterLine(xs, curve(method));
            line.LegendText = method.Name;
            line.LineWidth = 2;
        }
        plot.Title($"{title} vs unique evaluations");
        plot.XLabel("Unique evaluations");
        plot.YLabel(yLabel);
        plot.ShowLegend(ScottPlot.Alignment.LowerRight);
        return plot;
    }
}
