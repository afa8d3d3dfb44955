using System.CommandLine;
using ActorEvolve.Cli.Bench;
using ActorEvolve.Training.Data;
using ActorEvolve.Training.Torch;
using Spectre.Console;

namespace ActorEvolve.Cli.Commands;

/// <summary><c>actorevolve bench</c>: measurements, not tests. Figures go to docs/benchmarks.md.</summary>
public static class BenchCommand
{
    static readonly Option<int> Slots = new("--slots") { Description = "Trainer slots", DefaultValueFactory = _ => Environment.ProcessorCount };
    static readonly Option<string> Journal = new("--journal") { Description = "Also measure this journal (e.g. postgres://user:password@host/db)" };

    public static Command Create() => new("bench", "Measure the engine and the trainer (figures for docs/benchmarks.md)")
    {
        Engine(), JournalCommand(), Train(),
    };

    static Command Engine()
    {
        var populations = new Option<int[]>("--populations")
        {
            Description = "Population sizes to measure", DefaultValueFactory = _ => [20, 200, 2000], AllowMultipleArgumentsPerToken = true,
        };
        var generations = new Option<int>("--generations") { Description = "Generations per run", DefaultValueFactory = _ => 10 };
        var command = new Command("engine", "Evaluations per second of the actor machinery with a zero-cost fitness, journal off and on")
        {
            populations, generations, Slots, Journal,
        };
        command.SetAction(async parse =>
        {
            var results = await EngineBench.RunAsync(parse.GetValue(populations)!, parse.GetValue(generations), parse.GetValue(Slots), parse.GetValue(Journal));
            EngineBench.Print(AnsiConsole.Console, parse.GetValue(generations), results);
            return 0;
        });
        return command;
    }

    static Command JournalCommand()
    {
        var population = new Option<int>("--population") { Description = "Genomes per generation", DefaultValueFactory = _ => 50 };
        var generations = new Option<int>("--generations") { Description = "Generations", DefaultValueFactory = _ => 100 };
        var command = new Command("journal", "Journaling cost per evaluation and recovery time of a long run")
        {
            population, generations, Slots, Journal,
        };
        command.SetAction(async parse =>
        {
            var results = await EngineBench.RunAsync([parse.GetValue(population)], parse.GetValue(generations), parse.GetValue(Slots), parse.GetValue(Journal));
            EngineBench.Print(AnsiConsole.Console, parse.GetValue(generations), results);
            return 0;
        });
        return command;
    }

    static Command Train()
    {
        var samples = new Option<int>("--samples") { Description = "Training images per epoch", DefaultValueFactory = _ => 59_000 };
        var data = new Option<DirectoryInfo>("--data") { Description = "Folder with the four Fashion-MNIST IDX files" };
        var threads = new Option<int[]>("--threads")
        {
            Description = "Intra-op thread counts to measure", DefaultValueFactory = _ => [1, Environment.ProcessorCount], AllowMultipleArgumentsPerToken = true,
        };
        var command = new Command("train", "TorchSharp epoch time of reference genomes against the machine's GEMM GFLOP/s")
        {
            samples, data, threads,
        };
        command.SetAction(async (parse, cancellation) =>
        {
            TorchRuntime.Initialize();
            var directory = await new DatasetLocator(DatasetSource.FashionMnist(), parse.GetValue(data)?.FullName,
                DatasetLocator.DefaultCacheDirectory).LocateAsync(cancellation);
            var peaks = TrainingBench.Peaks(parse.GetValue(threads)!.Distinct());
            TrainingBench.Print(AnsiConsole.Console, peaks, TrainingBench.Run(directory, parse.GetValue(samples), peaks).ToArray());
            return 0;
        });
        return command;
    }
}
