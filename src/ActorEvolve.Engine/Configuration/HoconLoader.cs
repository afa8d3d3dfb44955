using Akka.Configuration;

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
        string overridesOrigin = "command-line flags")
    {
        var config = ParseFile(Path.Combine(DefaultsDirectory, "actorevolve.conf"))
            .WithFallback(ParseFile(Path.Combine(DefaultsDirectory, "akka.conf")));
        foreach (var file in files) config = ParseFile(file).WithFallback(config);
        return Parse(string.Join("\n", overrides ?? []), overridesOrigin).WithFallback(config);
    }

    public static Config ParseFile(string path)
    {
        if (!File.Exists(path)) throw new ConfigException($"{path}: configuration file not found");
        return Parse(File.ReadAllText(path), path);
    }

    /// <summary>Parses HOCON text; <paramref name="origin"/> names it in the one-line error.</summary>
    public static Config Parse(string text, string origin)
    {
        if (HoconSyntax.FindError(text) is { } error) throw new ConfigException($"{origin}: invalid HOCON: {error}");
        try
        {
            return ConfigurationFactory.ParseString(text);
        }
        catch (Exception e)
        {
            throw new ConfigException($"{origin}: invalid HOCON: {FirstLine(e.Message)}");
        }
    }

    public static string FirstLine(string message) =>
        message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? message;

    /// <summary>A HOCON string literal, for building overrides from flags.</summary>
    public static string Quote(string value) =>
        "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}
