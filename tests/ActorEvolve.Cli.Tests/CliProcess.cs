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
        var cli = Path.Combine(AppContext.BaseDirectory, "actorevolve.dll");
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = WorkDir, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(cli);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment["COLUMNS"] = "160";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"actorevolve {string.Join(' ', args)} did not finish");
        }
        return new Result(process.ExitCode, stdout.Result, stderr.Result);
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
