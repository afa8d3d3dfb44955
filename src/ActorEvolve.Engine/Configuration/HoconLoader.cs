using Akka.Configuration;
using Akka.Configuration.Hocon;

namespace ActorEvolve.Engine.Configuration;

/// <summary>Loads the configuration: flag overrides, then the user's --config file, then the defaults in
/// hocon/ next to the executable (files, not embedded resources, so a user can read and copy them).</summary>
public static class HoconLoader
{
    public static readonly string DefaultsDirectory = Path.Combine(AppContext.BaseDirectory, "hocon");

    public static Config Load(string? userFile = null, IEnumerable<string>? overrides = null) =>
        Load(userFile is null ? [] : [userFile], overrides);

    /// <param name="files">HOCON files, each overriding the ones before it.</param>
    /// <param name="overridesOrigin">Where the overrides come from, for error messages.</param>
    public static Config Load(IEnumerable<string> files, IEnumerable<string>? overrides,
        string overridesOrigin = "command-line flags") =>
        LoadTexts(files.Select(HoconFile.Read), overrides, overridesOrigin);

    /// <summary>As <see cref="Load(IEnumerable{string}, IEnumerable{string}?, string)"/>, from files already
    /// read.</summary>
    public static Config LoadTexts(IEnumerable<HoconFile> files, IEnumerable<string>? overrides,
        string overridesOrigin = "command-line flags")
    {
        var config = ParseFile(Path.Combine(DefaultsDirectory, "actorevolve.conf"))
            .WithFallback(ParseFile(Path.Combine(DefaultsDirectory, "akka.conf")));
        foreach (var file in files) config = Over(Parse(file.Text, file.Path), config, file.Path);
        return Over(Parse(string.Join("\n", overrides ?? []), overridesOrigin), config, overridesOrigin);
    }

    /// <summary><paramref name="layer"/> over <paramref name="below"/>, refusing a section turned into a value and a
    /// value turned into a section (a gene of the search space may change kind): HOCON would silently drop what is
    /// below, and Akka fails with a null reference when such a section is read.</summary>
    static Config Over(Config layer, Config below, string origin)
    {
        foreach (var (path, value) in Entries(layer.Root, ""))
        {
            var under = below.GetValue(path);
            if (under is null || under.IsEmpty) continue;
            var isSection = value.IsObject();
            if (IsGene(path)) continue;
            if (isSection && !under.IsObject() && (under.IsArray() || under.GetString() is not null))
                throw new ConfigException($"{origin}: invalid configuration: {path} must be a value, " +
                                          "as it is where it is set before, got a section { ... }");
            if (!isSection && under.IsObject() && value.GetString() is not null)
                throw new ConfigException($"{origin}: invalid configuration: {path} must be a section {{ ... }}, " +
                                          $"got {(value.IsString() ? $"'{value.GetString()}'" : "a list [ ... ]")}");
        }
        return layer.WithFallback(below);
    }

    /// <summary>Every key of a parsed file with its value, sections and the keys inside them alike.</summary>
    static IEnumerable<(string Path, HoconValue Value)> Entries(HoconValue section, string prefix)
    {
        if (!section.IsObject()) yield break;
        foreach (var (key, value) in section.GetObject().Items)
        {
            if (key.Contains('.') || key.Contains('"')) continue; // a quoted key: not a path Akka can look up
            yield return (prefix + key, value);
            foreach (var inner in Entries(value, prefix + key + ".")) yield return inner;
        }
    }

    static bool IsGene(string path) => path.StartsWith(SearchSpace, StringComparison.Ordinal)
                                       && !path[SearchSpace.Length..].Contains('.');

    const string SearchSpace = "actorevolve.search-space.";

    static Config ParseFile(string path) => Parse(HoconFile.Read(path).Text, path);

    /// <summary>Parses HOCON text; <paramref name="origin"/> names it in the one-line error.</summary>
    public static Config Parse(string text, string origin)
    {
        if (HoconSyntax.FindError(text) is { } error) throw new ConfigException($"{origin}: invalid HOCON: {error}");
        try
        {
            // A run keeps a copy of its --config file as run.conf, which an include would make depend on other files.
            var config = ConfigurationFactory.ParseString(text, include => throw new ConfigException(
                $"{origin}: include {include} is not supported: put all settings in the one --config file"));
            if (config.Root is { } root && SubstitutionCycle(root, "", new(ReferenceEqualityComparer.Instance),
                    new(ReferenceEqualityComparer.Instance)) is { } key)
                throw new ConfigException($"{origin}: invalid HOCON: {key} refers to itself through ${{...}}");
            return config;
        }
        catch (Exception e) when (e is not ConfigException)
        {
            throw new ConfigException($"{origin}: invalid HOCON: {FirstLine(e.Message)}");
        }
    }

    /// <summary>The key of a substitution that leads back to where it stands (<c>seed = ${seed}</c>, <c>a = ${b}</c>
    /// with <c>b = ${a}</c>, <c>a { b = ${a} }</c>), or null. Akka's parser accepts these, and reading one recurses
    /// until the process dies of a stack overflow, which no catch can turn into a one-line error.</summary>
    static string? SubstitutionCycle(HoconValue value, string key, HashSet<object> onPath, HashSet<object> checkedOk)
    {
        if (checkedOk.Contains(value)) return null;
        if (!onPath.Add(value)) return key.TrimStart('.');
        foreach (var element in value.Values)
        {
            IEnumerable<(string Key, HoconValue Value)> next = element switch
            {
                HoconSubstitution { ResolvedValue: { } resolved } => [(key, resolved)],
                HoconObject section => section.Items.Select(item => ($"{key}.{item.Key}", item.Value)),
                HoconArray list => list.Select(item => (key, item)),
                _ => [],
            };
            foreach (var (innerKey, inner) in next)
                if (SubstitutionCycle(inner, innerKey, onPath, checkedOk) is { } cycle) return cycle;
        }
        onPath.Remove(value);
        checkedOk.Add(value);
        return null;
    }

    public static string FirstLine(string message) =>
        message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault()
        ?? message;

    /// <summary>A HOCON string literal, for building overrides from flags.</summary>
    public static string Quote(string value) =>
        "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}
