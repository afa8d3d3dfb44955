namespace ActorEvolve.Engine.Configuration;

/// <summary>A HOCON file's text, read once: a <c>--config</c> given as a pipe (<c>&lt;(...)</c>) is empty when read
/// again, and a run must not go ahead without the settings it was asked for.</summary>
public sealed record HoconFile(string Path, string Text)
{
    public static HoconFile Read(string path)
    {
        if (!File.Exists(path)) throw new ConfigException($"{path}: configuration file not found");
        return new HoconFile(path, File.ReadAllText(path));
    }
}
