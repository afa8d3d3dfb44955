using System.CommandLine;
using ActorEvolve.Cli.Bench;
using Spectre.Console;

namespace ActorEvolve.Cli.Commands;

/// <summary><c>actorevolve bench</c>: measurements, not tests. Figures go to docs/benchmarks.md.</summary>
public static class BenchCommand
{
    static readonly Option<int> Population = new("--population") { Description = "Genomes per generation", DefaultValueFactory = _ => 50 };
    static readonly Option<int> Generations = new("--generations") { Description = "Generations", DefaultValueFactory = _ => 100 };
    static readonly Option<int> Slots = new("--slots") { Description = "Trainer slots", DefaultValueFactory = _ => Environment.ProcessorCount };
    static readonly Option<string> Journal = new("--journal") { Description = "Also measure this journal (e.g. postgres://user:password@host/db)" };

    public static Command Create()
    {
        var journal = new Command("journal", "Journaling cost per evaluation and recovery time, with a zero-cost fitness")
        {
            Population, Generations, Slots, Journal,
        };
        journal.SetAction(async parse =>
        {
            var (population, generations) = (parse.GetValue(Population), parse.GetValue(Generations));
            var results = await JournalBench.RunAsync(population, generations, parse.GetValue(Slots), parse.GetValue(Journal));
            JournalBench.Print(AnsiConsole.Console, population, generations, results);
            return 0;
        });
        return new Command("bench", "Measure the engine (figures for docs/benchmarks.md)") { journal };
    }
}
