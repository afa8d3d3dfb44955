using System.Diagnostics;

namespace ActorEvolve.Cli.Tests;

/// <summary>Runs the real `actorevolve` as a child process, in a scratch folder, and captures what it prints.</summary>
public sealed class CliProcess : IDisposable
{
    public const string FashionMnist = "/usr/share/datasets/fashion-mnist";

    public string WorkDir { get; } = Directory.CreateTempSubdirectory("actorevolve-cli-").FullName;

    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public string[] StderrLines => Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    public Result Run(params string[] args)
    {
        using var process = Start(args);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"actorevolve {string.Join(' ', args)} did not finish");
        }
        return new Result(process.ExitCode, stdout.Result, stderr.Result);
    }

    public Process Start(params string[] args)
    {
        var cli = Path.Combine(AppContext.BaseDirectory, "actorevolve.dll");
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = WorkDir, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(cli);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment["COLUMNS"] = "160";
        return Process.Start(start)!;
    }

    /// <summary>Starts the CLI and kills it with SIGKILL (no shutdown hook runs) as soon as its output has
    /// shown a line matching <paramref name="killAfter"/> <paramref name="times"/> times. Returns what it printed.</summary>
    public string RunAndKill(Func<string, bool> killAfter, int times, params string[] args)
    {
        using var process = Start(args);
        var output = new System.Text.StringBuilder();
        var seen = 0;
        while (process.StandardOutput.ReadLine() is { } line)
        {
            output.AppendLine(line);
            if (killAfter(line) && ++seen == times)
            {
                process.Kill(entireProcessTree: true); // SIGKILL
                process.WaitForExit();
                return output.ToString();
            }
        }
        process.WaitForExit();
        throw new InvalidOperationException($"the run ended (exit {process.ExitCode}) before it could be killed:\n{output}{process.StandardError.ReadToEnd()}");
    }

    /// <summary>A recorded fitness table over the seed's search space: a fixed pseudo-random accuracy per genome.</summary>
    public string SeedGrid()
    {
        var rows = new List<string> { "activation,nb_layers,nb_neurons,optimizer,fitness,validation_loss,test_accuracy" };
        foreach (var activation in new[] { "relu", "elu", "tanh", "sigmoid" })
        foreach (var layers in Enumerable.Range(1, 4))
        foreach (var neurons in new[] { 64, 128, 256, 512, 768, 1024 })
        foreach (var optimizer in new[] { "rmsprop", "adam", "sgd", "adagrad", "adadelta", "adamax", "nadam" })
        {
            var key = $"activation={activation};nb_layers={layers};nb_neurons={neurons};optimizer={optimizer}";
            var hash = key.Aggregate(17UL, (h, c) => (h ^ c) * 1099511628211UL);
            var fitness = hash % 10_000 / 10_000.0;
            rows.Add(FormattableString.Invariant($"{activation},{layers},{neurons},{optimizer},{fitness},{1 - fitness},{fitness - 0.01}"));
        }
        return Write("grid.csv", string.Join("\n", rows));
    }

    public string Write(string name, string content)
    {
        var path = Path.Combine(WorkDir, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    /// <summary>A training budget small enough for a test, still real training on real data.</summary>
    public string TinyBudgetConfig(string extra = "") => Write("tiny.conf", $$"""
        actorevolve.training.budgets.tiny { train-samples = 600, validation-samples = 300, max-epochs = 1, patience = 1, batch-size = 64, dropout = 0.2 }
        actorevolve.training.budget = tiny
        actorevolve.engine.trainer-slots = 2
        {{extra}}
        """);

    public void Dispose() => Directory.Delete(WorkDir, recursive: true);
}
