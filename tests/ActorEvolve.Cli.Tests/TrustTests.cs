namespace ActorEvolve.Cli.Tests;

/// <summary>Who may join a search: without TLS only this machine, unless the user says --insecure.</summary>
public sealed class TrustTests : IDisposable
{
    readonly CliProcess _cli = new();

    public void Dispose() => _cli.Dispose();

    string[] Search(params string[] extra) =>
        ["search", "--fitness", $"table:{_cli.SeedGrid()}", "--population", "4", "--generations", "1", "--slots", "1",
            .. extra];

    [Fact]
    public void Listening_beyond_loopback_without_tls_is_refused_in_one_line_and_writes_nothing()
    {
        string[] trainer =
            ["trainer", "--join", "127.0.0.1:9", "--listen", "0.0.0.0", "--fitness", $"table:{_cli.SeedGrid()}"];
        foreach (var args in new[] { Search("--listen", "0.0.0.0:0"), trainer })
        {
            var result = _cli.Run(args);
            Assert.Equal(2, result.ExitCode);
            Assert.Contains("without TLS", Assert.Single(result.StderrLines));
            Assert.Contains("--insecure", result.Stderr);
        }
        Assert.False(Directory.Exists(Path.Combine(_cli.WorkDir, "runs")));
    }

    [Fact]
    public void With_insecure_a_search_on_every_interface_prints_a_reachable_join_address_and_says_it_is_insecure()
    {
        var result = _cli.Run(Search("--listen", "0.0.0.0:0", "--insecure"));
        Assert.True(result.ExitCode == 0, result.Stderr);
        var join = result.Stdout.Split('\n').Single(l => l.StartsWith("Trainer nodes can join with: "));
        Assert.DoesNotContain("0.0.0.0", join);
        Assert.Matches(@"--join [^\s:]+:[1-9]\d*", join);
        Assert.Contains(result.Stdout.Split('\n'), l => l.StartsWith("INSECURE (--insecure)"));
    }
}
