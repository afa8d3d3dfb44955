namespace ActorEvolve.Cli.Tests;

/// <summary>A <c>--config &lt;(...)</c> is a pipe: it can be read once, and the run must keep what it said.</summary>
public sealed class PipedConfigTests : IDisposable
{
    readonly CliProcess _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public void A_search_keeps_the_settings_of_a_config_given_as_a_pipe()
    {
        const string settings = "actorevolve.ga.population = 6\nactorevolve.ga.generations = 1\n";
        var result = _cli.RunWithPipedConfig(settings,
            "search", "--fitness", $"table:{_cli.SeedGrid()}", "--slots", "2", "--run-id", "piped");
        Assert.True(result.ExitCode == 0, result.Stderr + result.Stdout);

        var run = Path.Combine(_cli.WorkDir, "runs", "piped");
        var runConf = File.ReadAllLines(Path.Combine(run, "run.conf"));
        Assert.Contains("actorevolve.ga.population = 6", runConf);
        Assert.Contains("actorevolve.ga.generations = 1", runConf);
        // One generation of six: the run went by those settings, not the defaults (20 x 10).
        Assert.InRange(File.ReadAllLines(Path.Combine(run, "results.csv")).Length - 1, 1, 6);
    }
}
