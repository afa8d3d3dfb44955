using System.Globalization;
using Akka.Configuration;
using Akka.Configuration.Hocon;

namespace ActorEvolve.Engine.Configuration;

/// <summary>What a HOCON key holds.</summary>
public enum SettingKind { Missing, Null, Value, List, Section }

/// <summary>
/// The one way ActorEvolve reads its settings: every value is checked for its type (and, where asked, its range)
/// and a wrong one is a <see cref="ConfigException"/> naming the full key and what it expected. Akka's own getters
/// fail differently for every mistake ("Unknown boolean format", "Value cannot be null. (Parameter 's')", a null
/// reference for a value where a section was), and read a bare number as a duration in milliseconds.
/// </summary>
public sealed class SettingsReader
{
    // Values are looked up by full path in the whole configuration: Akka's GetConfig fails with a null reference on
    // a section set over a value (a gene changed from a list to a range by a later file).
    readonly Config _config;
    readonly SettingsReader? _fallback;

    SettingsReader(Config config, string path, SettingsReader? fallback = null)
    {
        _config = config;
        Path = path;
        _fallback = fallback;
    }

    /// <summary>The section's full key, such as <c>actorevolve.ga</c>, for messages.</summary>
    public string Path { get; }

    /// <summary>The section <paramref name="path"/> (one key, or several joined by dots) of a whole configuration.
    /// </summary>
    public static SettingsReader Of(Config config, string path) =>
        path.Split('.').Aggregate(new SettingsReader(config, ""), (section, key) => section.Section(key));

    public string KeyOf(string key) => Path == "" ? key : $"{Path}.{key}";

    /// <summary>The keys of this section, defaults included.</summary>
    public IEnumerable<string> Keys => _config.GetConfig(Path).AsEnumerable().Select(entry => entry.Key)
        .Union(_fallback?.Keys ?? []);

    public SettingKind Kind(string key) => Value(key) switch
    {
        null => SettingKind.Missing,
        var value when value.IsObject() => SettingKind.Section,
        // Akka reports an empty list as a value that is not an array but holds an empty HoconArray.
        var value when value.IsArray() || value.Values.OfType<HoconArray>().Any() => SettingKind.List,
        var value when value.GetString() is null => SettingKind.Null,
        _ => SettingKind.Value,
    };

    HoconValue? Value(string key) => _config.GetValue(KeyOf(key)) ?? _fallback?.Value(key);

    public SettingsReader Section(string key) => Kind(key) == SettingKind.Section
        ? new SettingsReader(_config, KeyOf(key), _fallback?.OptionalSection(key))
        : throw Wrong(key, "a section { ... }");

    /// <summary>The section <paramref name="key"/>, or null when there is none.</summary>
    public SettingsReader? OptionalSection(string key) => Kind(key) == SettingKind.Missing ? null : Section(key);

    /// <summary>This section, with <paramref name="fallback"/>'s keys where it has none (a GA preset over the ga
    /// block).</summary>
    public SettingsReader Over(SettingsReader fallback) => new(_config, Path, fallback);

    public string String(string key) => Literal(key, "a string");

    /// <summary>The string <paramref name="key"/>, or <paramref name="fallback"/> when it is not set.</summary>
    public string String(string key, string fallback) =>
        Kind(key) is SettingKind.Missing ? fallback : Literal(key, "a string");

    /// <summary>The values of the list <paramref name="key"/>, each a plain value (not a list or a section).</summary>
    public IReadOnlyList<string> Strings(string key)
    {
        if (Kind(key) != SettingKind.List) throw Wrong(key, "a list [ ... ]");
        var items = Value(key)!.IsArray() ? Value(key)!.GetArray() : [];
        return items.Select(item => item.IsString() && item.GetString() is { } text ? text
            : throw new ConfigException($"{KeyOf(key)} must be a list of plain values, got {Describe(item)} in it"))
            .ToArray();
    }

    /// <summary>The list <paramref name="key"/> of whole numbers.</summary>
    public IReadOnlyList<int> Ints(string key) => Strings(key).Select(item =>
        int.TryParse(item, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) ? value
            : throw new ConfigException($"invalid configuration: {KeyOf(key)} must be a list of whole numbers, " +
                                        $"got '{item}' in it")).ToArray();

    /// <summary>One of the named <paramref name="choices"/> (e.g. random | grid).</summary>
    public T Choice<T>(string key, params (string Word, T Value)[] choices)
    {
        var word = String(key);
        foreach (var choice in choices)
            if (choice.Word == word) return choice.Value;
        var words = string.Join(" or ", choices.Select(c => c.Word));
        throw new ConfigException($"invalid configuration: {KeyOf(key)} must be {words}, got '{word}'");
    }

    public bool Bool(string key) => Literal(key, "on or off") switch
    {
        "on" or "true" or "yes" => true,
        "off" or "false" or "no" => false,
        _ => throw Wrong(key, "on or off"),
    };

    public int Int(string key, int min = int.MinValue, int max = int.MaxValue) => (int)Long(key, min, max);

    public long Long(string key, long min = long.MinValue, long max = long.MaxValue)
    {
        var text = Literal(key, "a whole number");
        if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
            throw Wrong(key, "a whole number");
        return value >= min && value <= max ? value : throw Wrong(key, Range("a whole number", min, max));
    }

    public double Double(string key)
    {
        var text = Literal(key, "a number");
        var number = double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value);
        return number && double.IsFinite(value) ? value : throw Wrong(key, "a number");
    }

    public TimeSpan Duration(string key) =>
        Durations.TryParse(Literal(key, Durations.Expected)) ?? throw Wrong(key, Durations.Expected);

    /// <summary>A positive duration.</summary>
    public TimeSpan Timeout(string key) =>
        Duration(key) is var value && value > TimeSpan.Zero
            ? value : throw Wrong(key, "a positive duration such as 30s or 10m");

    string Literal(string key, string expected) =>
        Kind(key) == SettingKind.Value ? Value(key)!.GetString() : throw Wrong(key, expected);

    ConfigException Wrong(string key, string expected)
    {
        var found = Kind(key) switch
        {
            SettingKind.Missing => "nothing (the key is missing)",
            _ => Describe(Value(key)!),
        };
        return new ConfigException($"invalid configuration: {KeyOf(key)} must be {expected}, got {found}");
    }

    static string Describe(HoconValue value) =>
        value.IsObject() ? "a section { ... }"
        : value.IsArray() || value.Values.OfType<HoconArray>().Any() ? "a list [ ... ]"
        : value.GetString() is { } text ? $"'{text}'"
        : "null";

    static string Range(string what, long min, long max) => (min, max) switch
    {
        (long.MinValue or int.MinValue, _) => $"{what} of at most {max}",
        (_, long.MaxValue or int.MaxValue) => $"{what} of at least {min}",
        _ => $"{what} from {min} to {max}",
    };
}
