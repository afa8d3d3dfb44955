using System.Diagnostics;

namespace ActorEvolve.Cli.Tests;

/// <summary>A stop (SIGTERM, what kill, systemd and container runtimes send, on the path of a first Ctrl-C) while
/// networks train: every training is cancelled and has ended before the process exits with 130 and one line.</summary>
public sealed class StopTests : IDisposable
{
    readonly CliProcess _cli = new();

    public void Dispose() => _cli.Dispose();

    const string Interrupted = "actorevolve: interrupted; everything finished is journaled. " +
                               "Continue with: actorevolve resume stopped";

    static void Terminate(Process process)
    {
        using var kill = Process.Start("kill", ["-TERM", process.Id.ToString()]);
        kill.WaitForExit();
    }

    static void AssertStoppedCleanly(Process process)
    {
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(60)), "the run did not stop");
        // Not 139 (a segmentation fault: a native training thread still running as the process exited).
        Assert.Equal(130, process.ExitCode);
        Assert.Equal([Interrupted], stderr.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void Stopping_a_run_while_real_networks_train_exits_with_130_after_the_trainings_ended()
    {
        // Epochs over 50,000 real images, and so many of them that no training ends before the stop.
        var config = _cli.Write("long.conf", """
            actorevolve.training.budgets.long { train-samples = 50000, validation-samples = 1000, max-epochs = 1000,
              patience = 1000, batch-size = 64, dropout = 0.2 }
            actorevolve.training.budget = long
            """);
        using var process = _cli.Start("search", "--config", config, "--data", CliProcess.FashionMnist,
            "--population", "4", "--generations", "1", "--slots", "2", "--run-id", "stopped");
        CliProcess.ReadUntil(process, l => l.StartsWith("generation 1/1"), 1);
        // The trainings are reading their tensors or in their first epoch: nothing finished, nothing journaled.
        Terminate(process);
        var stdout = process.StandardOutput.ReadToEnd();
        AssertStoppedCleanly(process);
        Assert.DoesNotContain("evaluated", stdout);
        Assert.DoesNotContain("failed", stdout); // a cancelled training is not a failed genome
    }

    [Fact]
    public void Stopping_a_run_of_exec_programs_ends_their_process_trees()
    {
        // Each evaluation: a shell that records its own pid and its child's, then waits on a long sleep.
        var pids = Path.Combine(_cli.WorkDir, "pids");
        var program = _cli.Write("train.sh", $"""
            echo $$ >> {pids}
            sleep 600 &
            echo $! >> {pids}
            wait
            """);
        using var process = _cli.Start("search", "--fitness", $"exec:/bin/sh {program}", "--population", "4",
            "--generations", "1", "--slots", "2", "--run-id", "stopped");
        CliProcess.ReadUntil(process, l => l.StartsWith("generation 1/1"), 1);
        // Both slots' programs are running (polling the test's own file, not synchronising with the run).
        while (!File.Exists(pids) || File.ReadAllLines(pids).Length < 4) Thread.Sleep(50);
        Terminate(process);
        AssertStoppedCleanly(process);
        var running = File.ReadAllLines(pids).Select(int.Parse).Where(IsRunning).ToArray();
        Assert.True(running.Length == 0, $"still running: {string.Join(", ", running)}");
    }

    static bool IsRunning(int pid)
    {
        // A killed child the shell never reaped is a zombie: gone in every sense that matters here.
        var stat = $"/proc/{pid}/stat";
        return File.Exists(stat) && File.ReadAllText(stat).Split(')')[1].Trim()[0] != 'Z';
    }
}
