using System.Diagnostics;

namespace ActorEvolve.Examples.Tests;

/// <summary>Runs a built example program as a child process (<c>dotnet NAME.dll</c>) in a scratch folder.</summary>
public sealed class ExampleProcess(string assembly) : IDisposable
{
    public string WorkDir { get; } = Directory.CreateTempSubdirectory("actorevolve-example-").FullName;

    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    public Process Start(string dll, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = WorkDir, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        start.ArgumentList.Add(dll);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        return Process.Start(start)!;
    }

    public Result Run(params string[] args) => RunDll(Path.Combine(AppContext.BaseDirectory, assembly), args);

    public Result RunDll(string dll, params string[] args)
    {
        using var process = Start(dll, args);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{dll} {string.Join(' ', args)} did not finish");
        }
        return new Result(process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>Kills the program with SIGKILL (nothing of it runs on) once it has printed a line matching
    /// <paramref name="killAfter"/>.</summary>
    public void RunAndKill(Func<string, bool> killAfter, params string[] args)
    {
        using var process = Start(Path.Combine(AppContext.BaseDirectory, assembly), args);
        while (process.StandardOutput.ReadLine() is { } line)
        {
            if (!killAfter(line)) continue;
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            return;
        }
        process.WaitForExit();
        throw new InvalidOperationException($"it ended (exit {process.ExitCode}) before it could be killed: " +
                                            process.StandardError.ReadToEnd());
    }

    public void Dispose() => Directory.Delete(WorkDir, recursive: true);
}
