using System.Text.Json;
using System.Text.RegularExpressions;

namespace ActorEvolve.Examples.Tests;

/// <summary>docs/examples/CustomFitness, the README's "Evolve your own .NET fitness": the README shows exactly its
/// source, and it runs end to end (a real TorchSharp model trained in a real run, journaled, killed and
/// resumed).</summary>
public sealed class CustomFitnessTests : IDisposable
{
    static readonly string Repo = Path.Combine(AppContext.BaseDirectory, "repo");
    readonly ExampleProcess _example = new("CustomFitness.dll");

    public void Dispose() => _example.Dispose();

    [Fact]
    public void The_README_shows_exactly_the_example_source()
    {
        var readme = File.ReadAllText(Path.Combine(Repo, "README.md"));
        var section = readme.IndexOf("\n## Evolve your own .NET fitness\n", StringComparison.Ordinal);
        Assert.True(section >= 0, "README has no section 'Evolve your own .NET fitness'");
        var block = Regex.Match(readme[section..], "```csharp\n(.*?)```", RegexOptions.Singleline);
        Assert.True(block.Success, "the section has no csharp code block");
        var source = File.ReadAllText(Path.Combine(Repo, "docs", "examples", "CustomFitness", "Program.cs"));
        Assert.Equal(source.ReplaceLineEndings("\n"), block.Groups[1].Value);
    }

    [Fact]
    public void It_evolves_its_network_and_writes_the_run_folder()
    {
        var run = _example.Run();

        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.DoesNotContain("[INFO]", run.Stdout + run.Stderr); // Akka's log stays in the run folder
        Assert.Equal(["generation 0", "generation 1", "generation 2", "generation 3"],
            Regex.Matches(run.Stdout, @"^generation \d", RegexOptions.Multiline).Select(m => m.Value));
        var winner = Regex.Match(run.Stdout, @"^winner (\S+): validation ([\d.]+), test ([\d.]+)",
            RegexOptions.Multiline);
        Assert.True(winner.Success, run.Stdout);
        Assert.InRange(double.Parse(winner.Groups[2].Value), 0.6, 1.0); // it learned the ring, not chance (~0.5)
        var folder = Path.Combine(_example.WorkDir, "runs", "ring");
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "summary.json")));
        Assert.Equal("completed", summary.RootElement.GetProperty("status").GetString());
        Assert.Equal(4, summary.RootElement.GetProperty("generations").GetArrayLength());
        var rows = File.ReadAllLines(Path.Combine(folder, "results.csv"));
        Assert.StartsWith("generation,activation,hidden,learning_rate,fitness", rows[0]);
        Assert.InRange(rows.Length - 1, 10, 40); // every evaluation, none twice: at most population x generations
        Assert.True(new FileInfo(Path.Combine(folder, "winner.model")).Length > 0);
    }

    [Fact]
    public void Killed_and_resumed_it_ends_as_if_never_interrupted()
    {
        var whole = _example.Run("whole");
        _example.RunAndKill(line => line.StartsWith("generation 1", StringComparison.Ordinal), "halves");
        using var summary = JsonDocument.Parse(File.ReadAllText(
            Path.Combine(_example.WorkDir, "runs", "halves", "summary.json")));
        Assert.Equal("running", summary.RootElement.GetProperty("status").GetString());

        var resumed = _example.Run("halves", "--resume");

        Assert.True(resumed.ExitCode == 0, resumed.Stderr);
        Assert.DoesNotContain("generation 1:", resumed.Stdout); // journaled before the kill: not run again
        Assert.Equal(Outcome(whole.Stdout), Outcome(resumed.Stdout));
    }

    /// <summary>The last generation's best and the winner line, without the run folder.</summary>
    static string Outcome(string stdout) =>
        Regex.Match(stdout, @"^generation 3: .*?^winner [^;]*", RegexOptions.Multiline | RegexOptions.Singleline).Value;
}
