using System.Text.Json.Serialization;
using ActorEvolve.Core.Evolution;

namespace ActorEvolve.Core.Fitness;

/// <summary>What the search optimises: one metric of the fitness source's results, maximised or minimised
/// (<c>actorevolve.objective</c>). Results carry every metric their source measured; selection ranks by this one.
/// With a <paramref name="Second"/> metric the search keeps a Pareto front of the two (<see cref="Pareto"/>); the
/// first stays the one generation summaries and progress lines report.
/// </summary>
/// <param name="Second">The other metric of a two-objective run (itself without a second); null for one objective,
/// and then left out of the journal and summary.json, which read as they always did.</param>
public sealed record Objective(string Metric, bool Maximize,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] Objective? Second = null)
{
    public const string DefaultMetric = "accuracy";

    /// <summary>The seed's objective: validation accuracy, higher is better.</summary>
    public static readonly Objective Default = new(DefaultMetric, Maximize: true);

    public string Direction => Maximize ? "maximize" : "minimize";

    /// <summary>In words: "maximize accuracy", or "maximize accuracy and minimize parameters".</summary>
    [JsonIgnore]
    public string Text => string.Join(" and ", Criteria.Select(c => $"{c.Direction} {c.Metric}"));

    /// <summary>Two metrics: selection by Pareto rank and crowding instead of one score.</summary>
    [JsonIgnore]
    public bool IsPareto => Second is not null;

    /// <summary>The metrics in order (one or two).</summary>
    [JsonIgnore]
    public IReadOnlyList<Objective> Criteria => Second is { } second ? [this with { Second = null }, second] : [this];

    /// <summary>Throws <see cref="ArgumentException"/> with a one-line reason when the objective cannot drive a run
    /// with <paramref name="ga"/>: a metric twice, a second with a second, or GA features that rank by one score.
    /// </summary>
    public Objective Validated(GaSettings ga)
    {
        if (Second is null) return this;
        if (Second.Second is not null) throw new ArgumentException("objective names at most two metrics");
        if (Second.Metric == Metric) throw new ArgumentException($"objective names metric '{Metric}' twice");
        if (ga.SharingRadius > 0)
            throw new ArgumentException("sharing-radius ranks by one score: set it to 0 with two objectives");
        if (ga.Rungs is not null)
            throw new ArgumentException(
                "rungs promote by one score: turn them off (ga.rungs = off) with two objectives");
        return this;
    }

    /// <summary>The result as selection sees it: its value is this objective's metric and its score is oriented so
    /// that higher is better. A successful result without the metric becomes a failure that says so. With two
    /// objectives, the result's metrics hold both values (so that applying it again finds them).</summary>
    public FitnessResult Apply(FitnessResult result)
    {
        if (result.Failed) return result with { Minimize = !Maximize };
        var metrics = result.Metrics;
        if (Second is not null && metrics?.ContainsKey(DefaultMetric) != true)
            metrics = new Dictionary<string, double>(metrics ?? new Dictionary<string, double>())
                { [DefaultMetric] = result.Accuracy };
        foreach (var objective in Criteria)
        {
            var value = Value(objective.Metric, result, metrics);
            if (!double.IsFinite(value))
                return FitnessResult.Failure(double.IsNaN(value) && metrics?.ContainsKey(objective.Metric) != true
                    ? $"the result has no metric '{objective.Metric}'" : $"metric '{objective.Metric}' is {value}",
                    result.Trainer, result.Seconds, result.Epochs) with
                {
                    Metrics = result.Metrics, FinishedAt = result.FinishedAt, EpochsTrained = result.EpochsTrained,
                };
        }
        return result with { Accuracy = Value(Metric, result, metrics), Minimize = !Maximize, Metrics = metrics };
    }

    static double Value(string metric, FitnessResult result, IReadOnlyDictionary<string, double>? metrics) =>
        metrics is not null && metrics.TryGetValue(metric, out var measured) ? measured
        : metric == DefaultMetric ? result.Accuracy : double.NaN;

    /// <summary>A (successful, applied) result's objective values, each oriented so that higher is better.</summary>
    public double[] Oriented(FitnessResult result) => Second is { } second
        ? [result.Score, (second.Maximize ? 1 : -1) * Value(second.Metric, result, result.Metrics)]
        : [result.Score];

    /// <summary>The (applied) result's value of the second metric, as measured; NaN without one.</summary>
    public double SecondValue(FitnessResult result) =>
        Second is { } second && !result.Failed ? Value(second.Metric, result, result.Metrics) : double.NaN;
}
