using System.Text.Json;
using System.Text.Json.Serialization;

namespace ActorEvolve.Engine.Formats;

/// <summary>The one JSON convention of everything ActorEvolve writes: journal records, messages between nodes and
/// run files (snake_case names, enums as names, NaN and infinities allowed since a failed training has no loss).
/// </summary>
public static class JsonFormat
{
    public static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    /// <summary>The same, on one line: journal records, messages, a CSV cell.</summary>
    public static readonly JsonSerializerOptions Compact = new(Indented) { WriteIndented = false };
}
