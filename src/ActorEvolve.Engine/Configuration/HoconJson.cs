using System.Globalization;
using System.Text.Json.Nodes;
using Akka.Configuration.Hocon;

namespace ActorEvolve.Engine.Configuration;

/// <summary>A HOCON value as JSON, for settings passed through to a user's program as they were written
/// (<c>actorevolve.exec.args</c>): objects and lists keep their shape, numbers and booleans their type.</summary>
public static class HoconJson
{
    public static string ToJson(HoconValue value) => Convert(value)?.ToJsonString() ?? "null";

    static JsonNode? Convert(HoconValue value)
    {
        if (value.IsObject())
        {
            var json = new JsonObject();
            foreach (var (name, item) in value.GetObject().Items) json[name] = Convert(item);
            return json;
        }
        if (value.IsArray()) return new JsonArray(value.GetArray().Select(Convert).ToArray());
        var text = value.GetString();
        if (text is null) return null;
        var invariant = CultureInfo.InvariantCulture;
        if (double.TryParse(text, NumberStyles.Float, invariant, out var number) && double.IsFinite(number))
            return long.TryParse(text, NumberStyles.Integer, invariant, out var whole)
                ? JsonValue.Create(whole) : JsonValue.Create(number);
        return text is "true" or "false" ? JsonValue.Create(text == "true") : JsonValue.Create(text);
    }
}
