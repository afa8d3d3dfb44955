using System.CommandLine;
using ActorEvolve.Core.Evolution;
using ActorEvolve.Core.Genes;

namespace ActorEvolve.Cli.Commands;

/// <summary><c>actorevolve brute</c>: the seed's brute.py. Every genome of the space is trained through the same
/// engine as a search (one generation whose population is the whole grid), so it is journaled, resumable and
/// spread over the same trainers; the run's grid.csv is the fitness table that <c>--fitness table:</c> and
/// <c>bench replay</c> read.</summary>
public static class BruteCommand
{
    static readonly Option<int?> Samples = new("--samples")
    {
        Description = "Train this many distinct random genomes instead of all (required when a gene is a float range)",
    };

    public static Command Create()
    {
        var command = new Command("brute", "Train every network of the search space and record the grid (grid.csv)")
        {
            Samples,
        };
        NewRun.AddTo(command);
        command.SetAction((parse, cancellation) => NewRun.StartAsync(parse, [],
            engine => GridOverrides(engine.Space, parse.GetValue(Samples)), "brute-", cancellation));
        return command;
    }

    static IEnumerable<string> GridOverrides(SearchSpace space, int? samples)
    {
        if (samples is < 2) throw new UsageException($"--samples must be at least 2 (got {samples})");
        var size = samples is { } n ? Math.Min(n, space.Size ?? n) : space.Size
            ?? throw new UsageException(
                "the search space has a float range, so it has no finite grid: pass --samples N");
        if (size > GaSettings.MaxPopulation)
            throw new UsageException($"the grid has {size:N0} networks, more than the {GaSettings.MaxPopulation:N0} " +
                                     "a run can hold: pass --samples N to train a sample of them");
        return [
            $"actorevolve.ga.population = {size}", "actorevolve.ga.generations = 1",
            "actorevolve.ga.initial-population = grid", "actorevolve.training.score-test-set = on",
        ];
    }
}
