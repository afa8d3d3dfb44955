using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace ActorEvolve.Cli.Tests;

/// <summary>Runs the real `actorevolve` as a child process, in a scratch folder, and captures what it prints.</summary>
public sealed class CliProcess : IDisposable
{
    public const string FashionMnist = "/usr/share/datasets/fashion-mnist";

    public string WorkDir { get; } = Directory.CreateTempSubdirectory("actorevolve-cli-").FullName;

    /// <summary>Environment variables for the processes this starts, on top of this process's own.</summary>
    public Dictionary<string, string> Environment { get; } = [];

    readonly List<Process> _started = [];

    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public string[] StderrLines => Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    public Result Run(params string[] args) => WaitFor(Start(args), args);

    /// <summary>Runs the CLI with <c>--config &lt;(printf ...)</c> as bash passes it: a pipe in /dev/fd that is
    /// empty once read.</summary>
    public Result RunWithPipedConfig(string config, params string[] args) => WaitFor(Launch("bash", [
        "-c", "config=$1; shift; exec dotnet \"$@\" --config <(printf '%s' \"$config\")",
        "bash", config, Cli, .. args]), args);

    Result WaitFor(Process started, string[] args)
    {
        using var process = started;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"actorevolve {string.Join(' ', args)} did not finish");
        }
        return new Result(process.ExitCode, stdout.Result, stderr.Result);
    }

    public Process Start(params string[] args) => Launch("dotnet", [Cli, .. args]);

    static readonly string Cli = Path.Combine(AppContext.BaseDirectory, "actorevolve.dll");

    Process Launch(string program, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = WorkDir, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        start.Environment["COLUMNS"] = "160";
        foreach (var (name, value) in Environment) start.Environment[name] = value;
        var process = Process.Start(start)!;
        _started.Add(process);
        return process;
    }

    /// <summary>Starts the CLI and kills it with SIGKILL (no shutdown hook runs) as soon as its output has
    /// shown a line matching <paramref name="killAfter"/> <paramref name="times"/> times. Returns what it
    /// printed.</summary>
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
                process.Kill(); // SIGKILL, at once (walking the process tree first lets the run go on for a while)
                process.WaitForExit();
                return output.ToString();
            }
        }
        process.WaitForExit();
        throw new InvalidOperationException($"the run ended (exit {process.ExitCode}) before it could be killed:\n" +
            $"{output}{process.StandardError.ReadToEnd()}");
    }

    /// <summary>The recorded fitness table of the seed's search space on Fashion-MNIST (docs/grids), copied into
    /// the scratch folder as grid.csv: every genome's real validation accuracy under the grid budget.</summary>
    public string SeedGrid()
    {
        var path = Path.Combine(WorkDir, "grid.csv");
        File.Copy(Path.Combine(AppContext.BaseDirectory, "grids", "fashion-mnist-seed-space.csv"), path,
            overwrite: true);
        return path;
    }

    /// <summary>The seed grid with a <c>parameters</c> column (each MLP's weight count for 28x28 images and 10
    /// classes), for two-objective runs; returns its path.</summary>
    public string SizedGrid()
    {
        var lines = File.ReadAllLines(SeedGrid());
        var header = lines[0].Split(',');
        var (layers, neurons) = (Array.IndexOf(header, "nb_layers"), Array.IndexOf(header, "nb_neurons"));
        long Parameters(string[] row)
        {
            long count = 0, width = 28 * 28, size = long.Parse(row[neurons], CultureInfo.InvariantCulture);
            for (var i = 0; i < int.Parse(row[layers], CultureInfo.InvariantCulture); i++, width = size)
                count += (width + 1) * size;
            return count + (width + 1) * 10;
        }
        var path = Path.Combine(WorkDir, "sized-grid.csv");
        File.WriteAllLines(path, [lines[0] + ",parameters",
            .. lines.Skip(1).Select(line => $"{line},{Parameters(line.Split(','))}")]);
        return path;
    }

    /// <summary>A two-objective run's front as its summary.json lists it (genes, validation accuracy, metrics and
    /// test accuracy of each member), without the trainer slots that happened to train each member.</summary>
    public static string Front(string run) => string.Join("\n",
        JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "summary.json"))).RootElement.GetProperty("front")
            .EnumerateArray().Select(m => $"{m.GetProperty("genes")} {m.GetProperty("validation_accuracy")} " +
                                          $"{m.GetProperty("metrics")} " +
                                          (m.TryGetProperty("test_accuracy", out var test) ? $"{test}" : "untested")));

    /// <summary>Starts a search that listens on a port of the system's choosing and returns it with the port it
    /// prints for trainers to join: a port picked beforehand can be taken by another process's connection before
    /// the search binds it.</summary>
    public (Process Coordinator, int Port) StartCoordinator(params string[] args)
    {
        var coordinator = Start(args);
        var join = ReadUntil(coordinator, l => l.StartsWith("Trainer nodes can join with"), 1)[^1];
        return (coordinator, int.Parse(join[(join.LastIndexOf(':') + 1)..], CultureInfo.InvariantCulture));
    }

    /// <summary>A port that was free a moment ago, for a search that must listen on the same one again (its
    /// resume).</summary>
    public static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Reads the process's output until <paramref name="count"/> lines match; returns them all.</summary>
    public static List<string> ReadUntil(Process process, Func<string, bool> match, int count)
    {
        var lines = new List<string>();
        while (lines.Count(match) < count && process.StandardOutput.ReadLine() is { } line) lines.Add(line);
        return lines;
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
        actorevolve.training.budgets.tiny {
          train-samples = 600, validation-samples = 300, max-epochs = 1, patience = 1, batch-size = 64, dropout = 0.2
        }
        actorevolve.training.budget = tiny
        actorevolve.engine.trainer-slots = 2
        {{extra}}
        """);

    /// <summary>Kills whatever is still running (a failed test leaves no trainer or coordinator behind), then
    /// deletes the scratch folder.</summary>
    public void Dispose()
    {
        foreach (var process in _started)
        {
            try
            {
                if (!process.HasExited) process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // its test disposed it after waiting for it: nothing left running
            }
            process.Dispose();
        }
        Directory.Delete(WorkDir, recursive: true);
    }
}
