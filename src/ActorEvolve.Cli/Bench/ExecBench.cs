using ActorEvolve.Cli.Console;
using System.Diagnostics;
using System.Text.Json.Nodes;
using ActorEvolve.Core.Fitness;
using ActorEvolve.Core.Genes;
using ActorEvolve.Core.Randomness;
using ActorEvolve.Training.Exec;
using Spectre.Console;

namespace ActorEvolve.Cli.Bench;

/// <summary>What an <c>exec:</c> evaluation costs beyond the objective itself: process start, the JSON request and
/// the JSON lines back, measured against the same (zero-cost) objective computed in process.</summary>
public static class ExecBench
{
    /// <summary>Programs that answer at once: the cost of asking them is the whole per-evaluation overhead.</summary>
    public static readonly (string Name, string Command)[] DefaultPrograms =
    [
        ("shell (sh: read, echo)", """cat > /dev/null; echo '{"result": {"accuracy": 0.5}}'"""),
        ("python3 (json in, json out)", "/usr/bin/python3 -c 'import json, sys; json.load(sys.stdin); "
            + """print(json.dumps({"result": {"accuracy": 0.5}}))'"""),
    ];

    public sealed record Measurement(string Program, int Evaluations, double MeanMs, double P95Ms);

    /// <summary>Evaluates genomes of <paramref name="space"/> (the configured one, so the example programs
    /// understand them) with each program; a program that fails is one line, not a measurement.</summary>
    public static IEnumerable<Measurement> Run(SearchSpace space, IEnumerable<(string Name, string Command)> programs,
        int evaluations)
    {
        var genomes = Enumerable.Range(0, evaluations)
            .Select(i => space.Sample(DeterministicRng.Derive(1, "bench-exec", i))).ToArray();
        yield return Measure("in process (the same objective)", new HashFitness(), genomes);
        foreach (var (name, command) in programs)
            yield return Measure(name, new ExecFitness(new ExecSettings(command, new JsonObject(), "accuracy",
                TimeSpan.FromMinutes(1), Directory.GetCurrentDirectory()), space), genomes);
    }

    static Measurement Measure(string name, IFitnessFunction fitness, Genome[] genomes)
    {
        double Time(Genome genome)
        {
            var stopwatch = Stopwatch.StartNew();
            fitness.Evaluate(genome, new EvaluationContext(1, "bench"), CancellationToken.None);
            return stopwatch.Elapsed.TotalMilliseconds;
        }
        try
        {
            Time(genomes[0]); // warm-up
            var times = genomes.Select(Time).Order().ToArray();
            var p95 = times[(int)Math.Ceiling(0.95 * times.Length) - 1];
            return new Measurement(name, times.Length, times.Average(), p95);
        }
        catch (EvaluationException e)
        {
            throw new Commands.UsageException($"{name}: {e.Message}");
        }
    }

    public static void Print(IAnsiConsole console, IReadOnlyList<Measurement> measurements)
    {
        var table = new Table().Title("exec: overhead per evaluation").AddColumns("Program", "Evaluations",
            "Mean (ms)", "p95 (ms)", "Overhead vs in process (ms)");
        var baseline = measurements[0].MeanMs;
        foreach (var m in measurements)
            table.AddRow(Cells.Plain(m.Program, m.Evaluations, $"{m.MeanMs:F2}", $"{m.P95Ms:F2}",
                $"{m.MeanMs - baseline:F2}"));
        console.Write(table);
    }
}
