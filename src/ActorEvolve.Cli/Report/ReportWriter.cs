using System.Globalization;
using System.Net;
using System.Text;
using ActorEvolve.Core.Fitness;
using ActorEvolve.Engine.Protocol;
using ActorEvolve.Engine.Results;
using ActorEvolve.Training.Torch;

namespace ActorEvolve.Cli.Report;

/// <summary>
/// Writes runs/RUN-ID/report/: PNG charts (ScottPlot) and index.html, which embeds them so it stays readable when
/// mailed or moved on its own; or summary.md for <c>--format md</c>. Charts: fitness per generation, how the
/// evaluated genes converged, which gene values pay, and what each trainer slot did when.
/// </summary>
public static class ReportWriter
{
    const int Width = 900, Height = 450;

    /// <summary>The report of the run in <paramref name="files"/>, in its <c>report/</c> folder.</summary>
    /// <returns>The report's main file.</returns>
    public static string Write(RunFiles files, bool markdown) =>
        Write(RunReport.Load(files), ReportDirectory(files), markdown);

    /// <summary>Where the HTML report of the run in <paramref name="files"/> is written.</summary>
    public static string HtmlPath(RunFiles files) => Path.Combine(ReportDirectory(files), HtmlFile);

    const string HtmlFile = "index.html";

    static string ReportDirectory(RunFiles files) => Path.Combine(files.Directory, "report");

    /// <returns>The report's main file.</returns>
    public static string Write(RunReport report, string directory, bool markdown)
    {
        Directory.CreateDirectory(directory);
        var charts = Charts(report, directory);
        var path = Path.Combine(directory, markdown ? "summary.md" : HtmlFile);
        File.WriteAllText(path, markdown ? Markdown(report, charts) : Html(report, charts, directory));
        return path;
    }

    sealed record Chart(string File, string Title);

    static IReadOnlyList<Chart> Charts(RunReport report, string directory)
    {
        var charts = new List<Chart>();
        void Save(ScottPlot.Plot plot, string file, string title)
        {
            plot.Title(title);
            plot.SavePng(Path.Combine(directory, file), Width, Height);
            charts.Add(new Chart(file, title));
        }

        Save(FitnessByGeneration(report), "fitness-by-generation.png", $"{FirstMetric(report)} per {Step(report)}");
        foreach (var gene in report.GeneNames)
        {
            Save(GeneFrequency(report, gene), $"genes-{gene}.png",
                $"{gene}: share of each value among the {Step(report)}'s new networks");
            Save(FitnessByValue(report, gene), $"fitness-by-{gene}.png",
                $"{gene}: {MetricName(report)} by value (mean and best" +
                (report.Summary?.Rungs is null ? ")" : " of the fully trained networks)"));
        }
        if (report.Evaluations.Any(e => e.FinishedAt is not null))
            Save(Timeline(report), "timeline.png", "Evaluations per trainer slot over time");
        if (Aged(report).Length > 0)
            Save(PopulationAges(report), "population-age.png",
                $"Population age at the start of each {Step(report)} (births since each member's own)");
        if (report.Summary is { Config.Objective: { Second: { } second } first } summary)
            Save(ParetoFront(report, summary, first, second), "pareto-front.png",
                $"{Capitalized(first.Metric)} against {second.Metric}: every evaluated network and the Pareto front");
        return charts;
    }

    static ScottPlot.Plot FitnessByGeneration(RunReport report)
    {
        var plot = new ScottPlot.Plot();
        var generations = report.Summary?.Generations is { Count: > 0 } g
            ? g.Select(x => (x.Generation + 1.0, x.Best, x.Mean, x.Worst)).ToArray()
            : report.Evaluations.GroupBy(e => e.Generation).OrderBy(x => x.Key)
                .Select(x => (x.Key + 1.0, x.Max(e => e.Fitness), x.Average(e => e.Fitness), x.Min(e => e.Fitness)))
                .ToArray();
        var xs = generations.Select(x => x.Item1).ToArray();
        (string, IEnumerable<double>)[] series =
        [
            ("best", generations.Select(x => x.Item2)), ("mean", generations.Select(x => x.Item3)),
            ("worst", generations.Select(x => x.Item4)),
        ];
        foreach (var (label, ys) in series)
        {
            var line = plot.Add.Scatter(xs, ys.ToArray());
            line.LegendText = label;
        }
        plot.XLabel(Capitalized(Step(report)));
        plot.YLabel(FirstMetric(report));
        // Away from where the lines converge: the top for a maximised metric, the bottom for a minimised one.
        plot.ShowLegend(report.Summary?.Config.Objective?.Maximize == false
            ? ScottPlot.Alignment.UpperRight : ScottPlot.Alignment.LowerRight);
        return plot;
    }

    /// <summary>A steady-state run's rounds whose population age is known (those this run's processes saw start).
    /// </summary>
    static (int Round, PopulationAge Age)[] Aged(RunReport report) =>
        report.Summary?.Generations.Where(g => g.PopulationAge is not null)
            .Select(g => (g.Generation + 1, g.PopulationAge!)).ToArray() ?? [];

    static ScottPlot.Plot PopulationAges(RunReport report)
    {
        var plot = new ScottPlot.Plot();
        var aged = Aged(report);
        var xs = aged.Select(a => (double)a.Round).ToArray();
        (string, Func<PopulationAge, int>)[] series =
            [("youngest", a => a.Youngest), ("median", a => a.Median), ("oldest", a => a.Oldest)];
        foreach (var (label, age) in series)
        {
            var line = plot.Add.Scatter(xs, aged.Select(a => (double)age(a.Age)).ToArray());
            line.LegendText = label;
        }
        plot.XLabel(Capitalized(Step(report)));
        plot.YLabel("Age in births");
        plot.ShowLegend(ScottPlot.Alignment.UpperLeft);
        return plot;
    }

    static ScottPlot.Plot GeneFrequency(RunReport report, string gene)
    {
        var plot = new ScottPlot.Plot();
        var byGeneration = report.Evaluations.GroupBy(e => e.Generation).OrderBy(g => g.Key).ToArray();
        var xs = byGeneration.Select(g => g.Key + 1.0).ToArray();
        foreach (var value in Values(report, gene))
        {
            var shares = byGeneration.Select(g => g.Count(e => e.Genes[gene] == value) / (double)g.Count());
            var line = plot.Add.Scatter(xs, shares.ToArray());
            line.LegendText = value;
        }
        plot.XLabel(Capitalized(Step(report)));
        plot.YLabel("Share of evaluated networks");
        plot.Axes.SetLimitsY(0, 1);
        plot.ShowLegend(ScottPlot.Alignment.UpperRight);
        return plot;
    }

    /// <summary>Per value of <paramref name="gene"/> that a successful, fully trained network had: the mean and the
    /// best of their scores by the run's first objective (the lowest when it is minimised).</summary>
    public static IReadOnlyList<(string Value, double Mean, double Best)> ScoresByValue(RunReport report, string gene)
    {
        var maximize = Objective(report).Objective.Maximize;
        // A partial genome's score is an early rung's: not comparable with a fully trained one's.
        return Values(report, gene)
            .Select(v => (Value: v, Scores: report.Evaluations
                .Where(e => e.Genes[gene] == v && !e.Failed && !e.Partial).Select(e => e.Fitness).ToArray()))
            .Where(v => v.Scores.Length > 0)
            .Select(v => (v.Value, v.Scores.Average(), maximize ? v.Scores.Max() : v.Scores.Min())).ToArray();
    }

    static ScottPlot.Plot FitnessByValue(RunReport report, string gene)
    {
        var plot = new ScottPlot.Plot();
        var scores = ScoresByValue(report, gene);
        double[] Positions(double offset) => Enumerable.Range(0, scores.Count).Select(i => i + offset).ToArray();
        var mean = plot.Add.Bars(Positions(-0.2), scores.Select(s => s.Mean).ToArray());
        mean.LegendText = "mean";
        var best = plot.Add.Bars(Positions(0.2), scores.Select(s => s.Best).ToArray());
        best.LegendText = "best";
        foreach (var bar in mean.Bars.Concat(best.Bars)) bar.Size = 0.38;
        plot.Axes.Bottom.SetTicks(Positions(0), scores.Select(s => s.Value).ToArray());
        plot.YLabel(FirstMetric(report));
        if (Objective(report).IsPercentage) plot.Axes.SetLimitsY(0, 1);
        plot.ShowLegend(ScottPlot.Alignment.UpperRight);
        return plot;
    }

    static ScottPlot.Plot Timeline(RunReport report)
    {
        var plot = new ScottPlot.Plot();
        var timed = report.Evaluations.Where(e => e.FinishedAt is not null).ToArray();
        var origin = timed.Min(e => e.FinishedAt!.Value.AddSeconds(-e.Seconds));
        var slots = timed.Select(e => e.Trainer).Distinct().Order().ToArray();
        foreach (var e in timed)
        {
            var end = (e.FinishedAt!.Value - origin).TotalSeconds;
            var row = Array.IndexOf(slots, e.Trainer);
            var segment = plot.Add.Line(end - e.Seconds, row, end, row);
            segment.LineWidth = 12;
            segment.Color = e.Failed ? ScottPlot.Colors.Red : ScottPlot.Colors.SteelBlue;
        }
        plot.Axes.Left.SetTicks(Enumerable.Range(0, slots.Length).Select(i => (double)i).ToArray(), slots);
        plot.Axes.SetLimitsY(-1, slots.Length);
        plot.XLabel("Seconds since the first evaluation started (this process's part of the run)");
        return plot;
    }

    /// <summary>Every successfully evaluated network as a point (second metric across, first up) and the front
    /// through its members, as summary.json lists them.</summary>
    static ScottPlot.Plot ParetoFront(RunReport report, RunSummary summary, Objective first, Objective second)
    {
        var plot = new ScottPlot.Plot();
        var measured = report.Evaluations.Where(e => !e.Failed && e.Metrics?.ContainsKey(second.Metric) == true)
            .DistinctBy(e => string.Join(";", e.Genes.Values)).ToArray();
        var all = plot.Add.Scatter(measured.Select(e => e.Metrics![second.Metric]).ToArray(),
            measured.Select(e => e.Fitness).ToArray());
        all.LineWidth = 0;
        all.Color = ScottPlot.Colors.Gray;
        all.LegendText = "evaluated networks";
        var front = (summary.Front ?? []).Where(m => m.Metrics?.ContainsKey(second.Metric) == true)
            .OrderBy(m => m.Metrics![second.Metric]).ToArray();
        if (front.Length > 0)
        {
            var line = plot.Add.Scatter(front.Select(m => m.Metrics![second.Metric]).ToArray(),
                front.Select(m => m.ValidationAccuracy).ToArray());
            line.Color = ScottPlot.Colors.Red;
            line.MarkerSize = 9;
            line.LegendText = $"Pareto front ({front.Length})";
        }
        plot.XLabel($"{second.Metric} ({second.Direction})");
        plot.YLabel($"{first.Metric} ({first.Direction})");
        // The corner worst in both metrics, away from the front (the front hugs the opposite one).
        plot.ShowLegend((first.Maximize, second.Maximize) switch
        {
            (true, true) => ScottPlot.Alignment.LowerLeft,
            (true, false) => ScottPlot.Alignment.LowerRight,
            (false, true) => ScottPlot.Alignment.UpperLeft,
            _ => ScottPlot.Alignment.UpperRight,
        });
        return plot;
    }

    static IReadOnlyList<string> Values(RunReport report, string gene) =>
        report.Evaluations.Select(e => e.Genes[gene]).Distinct()
            .OrderBy(v => double.TryParse(v, CultureInfo.InvariantCulture, out var n) ? n : double.MaxValue)
            .ThenBy(v => v, StringComparer.Ordinal).ToArray();

    /// <summary>What the run's steps are: generations, or a steady-state run's rounds of population-size joins.
    /// </summary>
    static string Step(RunReport report) =>
        report.Summary?.Config.Ga.Mode == Core.Evolution.GaMode.SteadyState ? RunStep.Round : RunStep.Generation;

    /// <summary>What the per-generation chart shows: the first objective's metric (a loss, a parameter count), named
    /// as the dashboard names it.</summary>
    static string FirstMetric(RunReport report) =>
        IsDefault(report) ? "Validation accuracy" : Objective(report).Name;

    /// <summary>The first objective's metric within a sentence: "validation accuracy", "loss".</summary>
    static string MetricName(RunReport report) => IsDefault(report) ? "validation accuracy" : Objective(report).Name;

    static bool IsDefault(RunReport report) => Objective(report).Name == Core.Fitness.Objective.DefaultMetric;

    /// <summary>The run's first objective, as the live view and the dashboard show it.</summary>
    static Console.ObjectiveText Objective(RunReport report) =>
        new((report.Summary?.Config.Objective ?? Core.Fitness.Objective.Default) with { Second = null });

    /// <summary>A score by the first objective: an accuracy as the report always wrote it ("88.00%"), any other
    /// metric by its own format.</summary>
    static string Score(RunReport report, double value) =>
        Objective(report).IsPercentage ? Pct(value) : Objective(report).Format(value);

    static string Capitalized(string word) => char.ToUpperInvariant(word[0]) + word[1..];

    static string Pct(double v) => v.ToString("0.00%", CultureInfo.InvariantCulture);

    static IEnumerable<string> Facts(RunReport report)
    {
        var s = report.Summary;
        yield return $"Status: {s?.Status ?? "unknown (no summary.json yet)"}";
        if (s is null) yield break;
        var steps = $"{s.Generations.Count} {Step(report)}s";
        yield return $"Seed {s.Seed}, {Evaluated(report)} in {steps}, " +
                     $"{TimeSpan.FromSeconds(s.WallSeconds):hh\\:mm\\:ss} of run time";
        if (s.Front is { } front)
            yield return $"Pareto front: {Console.FinalReport.Networks(front.Count)} " +
                         $"({front.Count(m => m.TestAccuracy is not null)} tested on the test set; summary.json " +
                         "lists them)";
        if (Aged(report) is [.., var (round, age)])
            yield return $"Population age at the start of {Step(report)} {round} (births since each member's own): " +
                         age;
        if (s.Rungs is { } rungs)
            yield return $"Rungs (epochs {string.Join(", ", rungs.Epochs)}, reduction {rungs.Reduction}): " +
                         $"{Console.RungText.Reached(rungs)}; {Console.RungText.Saving(rungs.Total)}";
        // The objective's values: "validation 88.00%, test 87.50%"; a loss "validation loss 0.3123, test loss 0.35".
        var metric = IsDefault(report) ? "" : $" {Objective(report).Name}";
        if (s.Best is { } best)
            yield return $"Winner: {string.Join(", ", best.Genes.Select(g => $"{g.Key} {g.Value}"))}: " +
                         $"validation{metric} {Score(report, best.ValidationAccuracy)}" +
                         (s.TestAccuracy is { } test ? $", test{metric} {Score(report, test)}" : "");
    }

    /// <summary>"40 evaluations"; a steady-state rung run's "24 births trained (36 rung trials)": results.csv has a
    /// row per rung trial, summary.json's evaluations count the births' genomes.</summary>
    static string Evaluated(RunReport report) =>
        Step(report) == RunStep.Round && report.Evaluations.Any(e => e.Rung is not null)
            ? $"{report.Evaluations.Count(e => e.Rung is null or 0)} births trained " +
              $"({report.Evaluations.Count(e => e.Rung is not null)} rung trials)"
            : $"{report.Evaluations.Count} evaluations";

    sealed record NetworkTable(string Title, string[] Header, IReadOnlyList<string[]> Rows);

    /// <summary>The top networks; for a two-objective run also its Pareto front, with each tested member's score;
    /// for a rung run the rungs by generation.</summary>
    static IEnumerable<NetworkTable> Tables(RunReport report)
    {
        yield return Networks(report, "Top networks", report.Summary?.Top ?? [], tested: false);
        if (report.Summary?.Front is { } front) yield return Networks(report, "Pareto front", front, tested: true);
        if (report.Summary is { Rungs: { } rungs } summary) yield return RungTable(summary, rungs);
    }

    /// <summary>Per generation: the genomes that reached each rung, the partial ones, epochs trained against
    /// training every child fully; the whole run last.</summary>
    static NetworkTable RungTable(RunSummary summary, RungsReport rungs) => new(
        "Rungs: genomes that reached each, epochs saved", ["Generation", .. Console.RungText.Header(rungs.Epochs)],
        [
            .. summary.Generations.Where(g => g.Rungs is not null).Select(g => (string[])
                [(g.Generation + 1).ToString(CultureInfo.InvariantCulture), .. Console.RungText.Cells(g.Rungs!)]),
            ["all", .. Console.RungText.Cells(rungs.Total)],
        ]);

    static NetworkTable Networks(RunReport report, string title, IReadOnlyList<GenomeReport> networks, bool tested)
    {
        var objective = Objective(report);
        var metrics = OtherMetrics(networks, objective.Name);
        // A rung run's genomes also say how far they got: partial ones rank below every fully trained one.
        var rungs = networks.Any(t => t.Rung is not null);
        var test = objective.IsPercentage ? "Test acc." : $"Test {objective.Name}";
        string[] header = ["#", .. report.GeneNames, objective.Column, "Epochs", "Seconds", "Parameters", .. metrics,
            .. tested ? [test] : Array.Empty<string>(), .. rungs ? ["Rung"] : Array.Empty<string>()];
        var rows = networks.Select((t, i) => (string[])[(i + 1).ToString(CultureInfo.InvariantCulture),
            .. report.GeneNames.Select(g => t.Genes.GetValueOrDefault(g, "")), Score(report, t.ValidationAccuracy),
            t.Epochs.ToString(CultureInfo.InvariantCulture),
            t.Seconds.ToString("0.0", CultureInfo.InvariantCulture),
            t.Metrics?.TryGetValue(ParametersMetric, out var size) == true
                ? size.ToString("N0", CultureInfo.InvariantCulture) : ModelSize(report, t.Genes),
            .. metrics.Select(m => t.Metrics?.TryGetValue(m, out var v) == true
                ? v.ToString("G4", CultureInfo.InvariantCulture) : ""),
            .. tested ? [t.TestAccuracy is { } score ? Score(report, score) : ""] : Array.Empty<string>(),
            .. rungs ? [Console.RungText.Rung(t.Rung, t.Partial)] : Array.Empty<string>()]).ToArray();
        return new NetworkTable(title, header, rows);
    }

    /// <summary>Every metric the fitness source reported for these networks, beyond the objective's, epochs and
    /// parameters (which have columns of their own): a user's program may report anything.</summary>
    static IReadOnlyList<string> OtherMetrics(IReadOnlyList<GenomeReport> networks, string objective) =>
        networks.SelectMany(t => t.Metrics?.Keys ?? []).Distinct()
        .Where(m => m != objective && m is not ("epochs" or ParametersMetric)).Order(StringComparer.Ordinal).ToArray();

    /// <summary>The metric the Parameters column shows when the fitness reports it (the MLP does).</summary>
    const string ParametersMetric = "parameters";

    /// <summary>The MLP's weight count for the run's dataset (its features and classes, as the summary records them;
    /// a 28x28 image and 10 classes for runs that predate that); "-" for genes the MLP trainer does not know.</summary>
    static string ModelSize(RunReport report, IReadOnlyDictionary<string, string> genes)
    {
        try
        {
            return MlpSpec.FromGenome(new Core.Genes.Genome(genes), 0.2, 64)
                .ParameterCount(report.Summary?.Config.Features ?? 28 * 28, report.Summary?.Config.Classes ?? 10)
                .ToString("N0", CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            return "-";
        }
    }

    static string Html(RunReport report, IReadOnlyList<Chart> charts, string directory)
    {
        static string E(string s) => WebUtility.HtmlEncode(s);
        var html = new StringBuilder();
        html.Append("<!doctype html><html><head><meta charset=\"utf-8\">" +
                    $"<title>ActorEvolve report: {E(report.RunId)}</title><style>" +
                    "body{font-family:sans-serif;max-width:960px;margin:2em auto;color:#222}" +
                    "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}" +
                    "img{max-width:100%;margin:1em 0}</style></head><body>");
        html.Append($"<h1>ActorEvolve run {E(report.RunId)}</h1><ul>");
        foreach (var fact in Facts(report)) html.Append($"<li>{E(fact)}</li>");
        html.Append("</ul>");
        foreach (var table in Tables(report))
        {
            html.Append($"<h2>{E(table.Title)}</h2><table><tr>");
            foreach (var h in table.Header) html.Append($"<th>{E(h)}</th>");
            html.Append("</tr>");
            foreach (var row in table.Rows)
                html.Append("<tr>" + string.Concat(row.Select(c => $"<td>{E(c)}</td>")) + "</tr>");
            html.Append("</table>");
        }
        foreach (var chart in charts)
        {
            var data = Convert.ToBase64String(File.ReadAllBytes(Path.Combine(directory, chart.File)));
            html.Append($"<h2>{E(chart.Title)}</h2>" +
                        $"<img alt=\"{E(chart.Title)}\" src=\"data:image/png;base64,{data}\">");
        }
        return html.Append("</body></html>").ToString();
    }

    static string Markdown(RunReport report, IReadOnlyList<Chart> charts)
    {
        var md = new StringBuilder($"# ActorEvolve run {report.RunId}\n\n");
        foreach (var fact in Facts(report)) md.Append($"- {fact}\n");
        foreach (var table in Tables(report))
        {
            md.Append($"\n## {table.Title}\n\n| " + string.Join(" | ", table.Header) + " |\n|" +
                      string.Concat(table.Header.Select(_ => "---|")) + "\n");
            foreach (var row in table.Rows) md.Append("| " + string.Join(" | ", row) + " |\n");
        }
        foreach (var chart in charts) md.Append($"\n## {chart.Title}\n\n![{chart.Title}]({chart.File})\n");
        return md.ToString();
    }
}
