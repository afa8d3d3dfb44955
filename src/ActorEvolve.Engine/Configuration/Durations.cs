using System.Globalization;
using System.Text.RegularExpressions;

namespace ActorEvolve.Engine.Configuration;

/// <summary>The one duration syntax of ActorEvolve, for HOCON keys and flags alike: a number and a unit, such as
/// <c>500ms</c>, <c>5s</c>, <c>10m</c>, <c>2h</c> or <c>1d</c>. A bare number is refused: TimeSpan reads <c>5</c> as
/// five days and Akka as five milliseconds.</summary>
public static partial class Durations
{
    public const string Expected = "a duration such as 30s, 10m or 2h (units: ms, s, m, h, d)";

    [GeneratedRegex(@"^\s*(?<n>\d+(\.\d+)?)\s*(?<unit>ms|s|m|h|d)\s*$")]
    private static partial Regex Syntax();

    /// <summary>The duration <paramref name="text"/> means, or null when it is not one.</summary>
    public static TimeSpan? TryParse(string? text)
    {
        var match = Syntax().Match(text ?? "");
        if (!match.Success) return null;
        var number = double.Parse(match.Groups["n"].Value, CultureInfo.InvariantCulture);
        var milliseconds = number * match.Groups["unit"].Value switch
        {
            "ms" => 1, "s" => 1e3, "m" => 60e3, "h" => 3600e3, _ => 86400e3,
        };
        // Beyond this TimeSpan overflows; no timeout of ActorEvolve needs a century.
        return milliseconds <= TimeSpan.FromDays(36500).TotalMilliseconds
            ? TimeSpan.FromMilliseconds(milliseconds) : null;
    }

    /// <summary>Writes a duration back in this syntax (for messages).</summary>
    public static string Format(TimeSpan duration) =>
        duration.TotalMilliseconds % 1000 != 0 ? FormattableString.Invariant($"{duration.TotalMilliseconds:0.###}ms")
        : duration.TotalSeconds % 60 != 0 || duration.TotalSeconds < 60 ? $"{duration.TotalSeconds:0}s"
        : duration.TotalMinutes % 60 != 0 ? $"{duration.TotalMinutes:0}m"
        : $"{duration.TotalHours:0}h";
}
