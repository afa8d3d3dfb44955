using System.Globalization;
using System.Text;

namespace ActorEvolve.Cli.Bench;

/// <summary>The traces of one search method over all seeds.</summary>
public sealed record MethodTraces(string Name, IReadOnlyList<SearchTrace> Traces)
{
    public FindingStats ToBest => FindingStats.Of(Traces.Select(t => t.EvaluationsToBest).ToArray());
    public FindingStats ToNear => FindingStats.Of(Traces.Select(t => t.EvaluationsToNear).ToArray());
    public double MedianEvaluations => Traces.Select(t => (double)t.Evaluations).Order().ElementAt(Traces.Count / 2);
    public double MeanFinalBest => Traces.Average(t => t.BestSoFar[^1]);

    /// <summary>Mean over seeds of the best fitness found after k unique evaluations (a finished search keeps its best).</summary>
    public double[] MeanCurve(int length) =>
        Enumerable.Range(0, length).Select(k => Traces.Average(t => t.BestSoFar[Math.Min(k, t.Evaluations - 1)])).ToArray();
}

/// <summary><c>bench replay</c>'s outputs: a markdown table (also printed) and a PNG of best fitness vs evaluations.</summary>
public static class ReplayReport
{
    public static string Markdown(string table, int gridSize, double gridBest, double nearBand, int seeds, IReadOnlyList<MethodTraces> methods)
    {
        static string N(double? v) => v is { } x ? x.ToString("0", CultureInfo.InvariantCulture) : "never";
        static string P(double v) => v.ToString("0.0%", CultureInfo.InvariantCulture);
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture,
            $"Grid `{table}`: {gridSize} genomes, best fitness {gridBest:0.0000}; near = within {nearBand * 100:0.##} pp; {seeds} seeds.");
        text.AppendLine();
        text.AppendLine("| Search | Unique evaluations per run (median) | To best: median | p10 | p90 | never | To near: median | p10 | p90 | never | Final best (mean) |");
        text.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var m in methods)
        {
            var (best, near) = (m.ToBest, m.ToNear);
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {m.Name} | {m.MedianEvaluations:0} | {N(best.Median)} | {N(best.P10)} | {N(best.P90)} | {P(best.NeverShare)} | " +
                $"{N(near.Median)} | {N(near.P10)} | {N(near.P90)} | {P(near.NeverShare)} | {m.MeanFinalBest:0.0000} |");
        }
        return text.ToString();
    }

    public static void Plot(string path, double gridBest, IReadOnlyList<MethodTraces> methods)
    {
        var plot = new ScottPlot.Plot();
        var length = methods.Max(m => m.Traces.Max(t => t.Evaluations));
        var xs = Enumerable.Range(1, length).Select(x => (double)x).ToArray();
        foreach (var method in methods)
        {
            var line = plot.Add.ScatterLine(xs, method.MeanCurve(length));
            line.LegendText = method.Name;
            line.LineWidth = 2;
        }
        var best = plot.Add.HorizontalLine(gridBest);
        best.LinePattern = ScottPlot.LinePattern.Dashed;
        best.LegendText = "grid best";
        plot.Title("Best fitness found vs unique evaluations (mean over seeds)");
        plot.XLabel("Unique evaluations");
        plot.YLabel("Best validation accuracy found");
        plot.ShowLegend(ScottPlot.Alignment.LowerRight);
        plot.SavePng(path, 900, 550);
    }
}
