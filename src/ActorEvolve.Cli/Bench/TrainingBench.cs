using ActorEvolve.Cli.Console;
using System.Diagnostics;
using ActorEvolve.Core.Fitness;
using ActorEvolve.Core.Genes;
using ActorEvolve.Training.Data;
using ActorEvolve.Training.Torch;
using Spectre.Console;
using TorchSharp;

namespace ActorEvolve.Cli.Bench;

/// <summary>
/// TorchSharp training speed: one epoch for reference genomes, against the machine's measured GEMM throughput,
/// so training speed reads as a share of what the hardware can do.
/// </summary>
public static class TrainingBench
{
    public static readonly string[] ReferenceGenomes =
    [
        "activation=relu;nb_layers=1;nb_neurons=64;optimizer=adam",
        "activation=elu;nb_layers=2;nb_neurons=512;optimizer=adamax",
        "activation=tanh;nb_layers=3;nb_neurons=768;optimizer=rmsprop",
        "activation=sigmoid;nb_layers=4;nb_neurons=1024;optimizer=sgd",
    ];

    public sealed record Result(string Genome, int Threads, int Samples, double EpochSeconds, double GFlops,
        double ShareOfPeak);

    /// <summary>Dense matrix product throughput with <paramref name="threads"/> intra-op threads.</summary>
    public static double GemmGFlops(int threads, int size = 1024, int repeats = 20)
    {
        torch.set_num_threads(threads);
        using var a = torch.rand(size, size);
        using var b = torch.rand(size, size);
        using (torch.mm(a, b)) { } // warm up
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < repeats; i++) using (torch.mm(a, b)) { }
        return 2.0 * size * size * size * repeats / watch.Elapsed.TotalSeconds / 1e9;
    }

    public static IReadOnlyList<(int Threads, double Peak)> Peaks(IEnumerable<int> threadCounts) =>
        threadCounts.Select(t => (t, GemmGFlops(t))).ToArray();

    public static IEnumerable<Result> Run(string dataDirectory, int samples,
        IReadOnlyList<(int Threads, double Peak)> peaks)
    {
        // One epoch of `samples` training images; a 1,000-image validation pass is part of every epoch.
        var budget = new TrainingBudget("bench", samples, 1000, MaxEpochs: 1, Patience: 1, BatchSize: 64, Dropout: 0.2);
        var data = DatasetSplits.Load(DatasetSource.FashionMnist(), dataDirectory, budget, splitSeed: 2017);
        var fitness = new MlpFitnessFunction(data, budget, torch.CPU);
        foreach (var (threads, peak) in peaks)
        {
            torch.set_num_threads(threads);
            foreach (var key in ReferenceGenomes)
            {
                var genome = Genome.Parse(key);
                var result = fitness.Evaluate(genome, new EvaluationContext(1, "bench"), CancellationToken.None);
                var spec = MlpSpec.FromGenome(genome, 0.2, 64);
                // Forward and backward of a dense layer: about 6 FLOPs per weight per sample.
                var gflops = 6.0 * spec.ParameterCount(784, 10) * samples / result.Seconds / 1e9;
                yield return new Result(key, threads, samples, result.Seconds, gflops, gflops / peak);
            }
        }
        torch.set_num_threads(1);
    }

    public static void Print(IAnsiConsole console, IReadOnlyList<(int Threads, double Peak)> peaks,
        IEnumerable<Result> results)
    {
        foreach (var (threads, peak) in peaks)
            console.MarkupLineInterpolated($"GEMM 1024x1024, {threads} thread(s): [bold]{peak:F1} GFLOP/s[/]");
        var table = new Table().Border(TableBorder.Rounded).Title("One training epoch (batch 64) per reference genome")
            .AddColumns("Genome", "Threads", "Samples", "Epoch (s)", "GFLOP/s", "Share of GEMM peak");
        foreach (var r in results)
            table.AddRow(Cells.Plain(r.Genome, r.Threads, r.Samples.ToString("N0"), $"{r.EpochSeconds:F2}",
                $"{r.GFlops:F1}", $"{r.ShareOfPeak:P0}"));
        console.Write(table);
    }
}
