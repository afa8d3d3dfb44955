using System.CommandLine;
using ActorEvolve.Engine.Configuration;

namespace ActorEvolve.Cli.Commands;

/// <summary><c>actorevolve search</c>: evolve networks on this machine (a cluster of one node).</summary>
public static class SearchCommand
{
    static readonly Option<int?> Population = new("--population")
    {
        Description = "Genomes per generation (default 20)",
    };
    static readonly Option<int?> Generations = new("--generations") { Description = "Generations (default 10)" };
    static readonly Option<string> GaPreset = new("--ga-preset")
    {
        Description = "GA operators from actorevolve.ga-presets (harvey: exactly the seed's GA)",
    };

    public static Command Create()
    {
        var command = new Command("search", "Evolve neural networks with a genetic algorithm on this machine")
        {
            Population, Generations, GaPreset,
        };
        NewRun.AddTo(command);
        command.SetAction((parse, cancellation) =>
            NewRun.StartAsync(parse, Overrides(parse), _ => [], "", cancellation));
        return command;
    }

    static IEnumerable<string> Overrides(ParseResult parse)
    {
        if (parse.GetValue(Population) is { } population) yield return $"actorevolve.ga.population = {population}";
        if (parse.GetValue(Generations) is { } generations) yield return $"actorevolve.ga.generations = {generations}";
        if (parse.GetValue(GaPreset) is { } preset) yield return $"actorevolve.ga.preset = {HoconLoader.Quote(preset)}";
    }
}
