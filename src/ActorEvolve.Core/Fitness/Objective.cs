namespace ActorEvolve.Core.Fitness;

/// <summary>What the search optimises: one metric of the fitness source's results, maximised or minimised
/// (<c>actorevolve.objective</c>). Results carry every metric their source measured; selection ranks by this one.
/// </summary>
public sealed record Objective(string Metric, bool Maximize)
{
    public const string DefaultMetric = "accuracy";

    /// <summary>The seed's objective: validation accuracy, higher is better.</summary>
    public static readonly Objective Default = new(DefaultMetric, Maximize: true);

    public string Direction => Maximize ? "maximize" : "minimize";

    /// <summary>The result as selection sees it: its value is this objective's metric and its score is oriented so
    /// that higher is better. A successful result without the metric becomes a failure that says so.</summary>
    public FitnessResult Apply(FitnessResult result)
    {
        if (result.Failed) return result with { Minimize = !Maximize };
        var value = result.Metrics is { } metrics && metrics.TryGetValue(Metric, out var measured) ? measured
            : Metric == DefaultMetric ? result.Accuracy : double.NaN;
        if (!double.IsFinite(value))
            return FitnessResult.Failure(double.IsNaN(value) && result.Metrics?.ContainsKey(Metric) != true
                ? $"the result has no metric '{Metric}'" : $"metric '{Metric}' is {value}", result.Trainer,
                result.Seconds, result.Epochs) with { Metrics = result.Metrics, FinishedAt = result.FinishedAt };
        return result with { Accuracy = value, Minimize = !Maximize };
    }
}
