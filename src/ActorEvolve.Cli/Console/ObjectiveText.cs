using System.Globalization;
using ActorEvolve.Core.Fitness;

namespace ActorEvolve.Cli.Console;

/// <summary>How the run's objective reads on screen: an accuracy as a percentage (the default objective reads
/// exactly as it always did), any other metric by its own name and value.</summary>
public sealed record ObjectiveText(Objective Objective)
{
    public static readonly ObjectiveText Default = new(Objective.Default);

    /// <summary>"accuracy", or the metric's name ("loss", "latency_ms").</summary>
    public string Name => Objective.Metric;

    public bool IsPercentage => Objective.Metric.Contains("accuracy", StringComparison.OrdinalIgnoreCase);

    /// <summary>A two-objective run's second metric; null for one objective.</summary>
    public ObjectiveText? Second => Objective.Second is { } second ? new(second) : null;

    /// <summary>A column of the metric's validation values: "Val. acc." for an accuracy, else its name.</summary>
    public string Column => IsPercentage ? "Val. acc." : Name;

    /// <summary>A (successful) result's objective values: "accuracy 73.20 %", with two objectives
    /// "accuracy 73.20 %  parameters 269,322".</summary>
    public string Scores(FitnessResult result) => $"{Name} {Format(result.Accuracy)}" +
        (Second is { } second ? $"  {second.Name} {second.Format(Objective.SecondValue(result))}" : "");

    /// <summary>A percentage for an accuracy; a count (a parameter count) in full, digits grouped; anything else
    /// to four significant digits.</summary>
    public string Format(double value, int decimals = 2) => IsPercentage
        ? value.ToString($"P{decimals}", CultureInfo.CurrentCulture)
        : double.IsInteger(value) && Math.Abs(value) < 1e15 ? value.ToString("N0", CultureInfo.InvariantCulture)
        : value.ToString("G4", CultureInfo.InvariantCulture);
}
