using System.CommandLine;
using ActorEvolve.Engine.Configuration;

namespace ActorEvolve.Cli.Commands;

/// <summary>Options every run command takes: where things are, how much of this machine to use, what to show.</summary>
public static class SharedOptions
{
    public static readonly Option<FileInfo> ConfigFile = new("--config") { Description = "A HOCON file overriding hocon/actorevolve.conf" };
    static readonly Option<DirectoryInfo> Data = new("--data") { Description = "Folder with the four IDX files of the dataset" };
    static readonly Option<DirectoryInfo> StateDir = new("--state-dir") { Description = "Where runs are written (default ./runs)" };
    static readonly Option<string> Journal = new("--journal") { Description = "sqlite:FILE or postgres://user:password@host:port/db (default: SQLite in the state dir)" };
    static readonly Option<int?> Slots = new("--slots") { Description = "Trainer slots on this node (default: one per core)" };
    static readonly Option<string> Device = new("--device") { Description = "cpu (default), cuda or auto" };
    public static readonly Option<bool> Quiet = new("--quiet", "-q") { Description = "Print only the final result" };

    public static void AddTo(Command command)
    {
        foreach (var option in new Option[] { ConfigFile, Data, StateDir, Journal, Slots, Device, Quiet }) command.Options.Add(option);
    }

    public static IEnumerable<string> Overrides(ParseResult parse)
    {
        if (parse.GetValue(Data) is { } data) yield return $"actorevolve.dataset.dir = {HoconLoader.Quote(data.FullName)}";
        if (parse.GetValue(StateDir) is { } stateDir) yield return $"actorevolve.state-dir = {HoconLoader.Quote(stateDir.FullName)}";
        if (parse.GetValue(Journal) is { } journal) yield return $"actorevolve.journal = {HoconLoader.Quote(journal)}";
        if (parse.GetValue(Slots) is { } slots) yield return $"actorevolve.engine.trainer-slots = {slots}";
        if (parse.GetValue(Device) is { } device) yield return $"actorevolve.training.device = {HoconLoader.Quote(device)}";
    }
}
