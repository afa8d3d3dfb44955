using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace ActorEvolve.Cli.Tests;

/// <summary>The live dashboard in a real browser: Debian's headless Chromium (.ci/run installs it) loads the page from
/// the running search, with no network beyond the coordinator.</summary>
public sealed class DashboardTests : IDisposable
{
    const string Chromium = "/usr/bin/chromium";
    readonly CliProcess _cli = new();

    public void Dispose() => _cli.Dispose();

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The page as headless Chromium renders it.</summary>
    internal static string Browse(string url, params string[] extra)
    {
        var start = new ProcessStartInfo(Chromium) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in (string[])["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                     "--disable-extensions", "--disable-dev-shm-usage", "--virtual-time-budget=500", .. extra, url])
            start.ArgumentList.Add(arg);
        using var browser = Process.Start(start)!;
        var dom = browser.StandardOutput.ReadToEndAsync();
        _ = browser.StandardError.ReadToEndAsync();
        Assert.True(browser.WaitForExit(TimeSpan.FromSeconds(60)), "chromium did not finish");
        return dom.Result;
    }

    static int Generation(string dom) => int.Parse(Regex.Match(dom, "id=\"generation\">(\\d+)<").Groups[1].Value);

    [SkippableFact]
    public void The_dashboard_shows_the_live_generation_count_advancing()
    {
        Skip.IfNot(File.Exists(Chromium), "no Chromium: apt-get install chromium (as .ci/run does)");
        var port = FreePort();
        using var search = _cli.Start("search", "--fitness", $"table:{_cli.SeedGrid()}", "--config",
            _cli.Write("delay.conf", "actorevolve.table-delay = 400ms"), "--population", "10", "--generations", "20",
            "--seed", "4", "--dashboard", $"127.0.0.1:{port}");
        try
        {
            while (search.StandardOutput.ReadLine() is { } line && !line.StartsWith("Dashboard: ")) { }
            var url = $"http://127.0.0.1:{port}/";
            var first = Browse(url, "--dump-dom");
            while (search.StandardOutput.ReadLine() is { } line && !line.StartsWith("generation 3 done")) { }
            var later = Browse(url, "--dump-dom");
            Assert.True(Generation(later) > Generation(first),
                $"generation {Generation(first)}, then {Generation(later)}");
            // the script drew the population and evaluations tables
            Assert.Matches("<td class=\"g\">activation=", later);
            Assert.DoesNotMatch("(src|href)=\"https?://", later); // every asset is served by the process itself

            // The page's script follows the run through server-sent events: the whole state first, then only the
            // evaluations it has not had yet.
            using (var http = new HttpClient())
            using (var events = new StreamReader(http.GetStreamAsync(url + "events").Result))
            {
                var snapshot = events.ReadLine()!;
                Assert.StartsWith("data: {\"generation\":", snapshot);
                var whole = System.Text.Json.JsonDocument.Parse(snapshot["data: ".Length..]).RootElement;
                Assert.Equal(0, whole.GetProperty("evaluationsFrom").GetInt32());
                Assert.Equal("generation", whole.GetProperty("step").GetString());
                var all = whole.GetProperty("evaluations").GetArrayLength();
                Assert.True(all > 0);
                events.ReadLine(); // the blank line ending the event
                var delta = System.Text.Json.JsonDocument.Parse(events.ReadLine()!["data: ".Length..]).RootElement;
                Assert.Equal(all, delta.GetProperty("evaluationsFrom").GetInt32());
                Assert.True(delta.GetProperty("evaluations").GetArrayLength() < all,
                    "an update resent old evaluations");
            }
            // ...and draws it: in a screenshot it is all there.
            var screenshot = Path.Combine(_cli.WorkDir, "dashboard.png");
            Browse(url, "--hide-scrollbars", "--window-size=1200,1000", $"--screenshot={screenshot}");
            Assert.True(new FileInfo(screenshot).Length > 20_000);
        }
        finally
        {
            search.Kill(entireProcessTree: true);
        }
    }

    [SkippableFact]
    public void A_two_objective_run_s_dashboard_shows_both_metrics_and_the_front_so_far()
    {
        Skip.IfNot(File.Exists(Chromium), "no Chromium: apt-get install chromium (as .ci/run does)");
        var dom = AtGenerationTwo(_cli.SizedGrid(),
            "metric = [accuracy, parameters], direction = [maximize, minimize]");
        // The front so far, where one objective shows the best: as many members as its title says, each with
        // both metrics; every evaluation also shows both.
        var members = int.Parse(Regex.Match(dom, "Pareto front so far: (\\d+) networks").Groups[1].Value);
        var front = Regex.Match(dom, "<table id=\"front\">(.*?)</table>").Groups[1].Value;
        Assert.StartsWith("<tbody><tr><th>Genome</th><th>Val. acc.</th><th>parameters</th></tr>", front);
        Assert.Equal(members, Regex.Matches(front, "<td>\\d+\\.\\d\\d %</td><td>[\\d,]+</td>").Count);
        Assert.Contains("<th>Val. acc.</th><th>parameters</th><th>Seconds</th>", dom);
    }

    /// <summary>The dashboard of a search on <paramref name="grid"/> with the given objective, as the browser shows
    /// it once generation 2 is done (the search goes on, slowed down, until the test's CliProcess kills it).
    /// </summary>
    string AtGenerationTwo(string grid, string objective)
    {
        var port = FreePort();
        var search = _cli.Start("search", "--fitness", $"table:{grid}", "--config",
            _cli.Write("objective.conf", $"actorevolve.objective {{ {objective} }}\nactorevolve.table-delay = 400ms"),
            "--population", "10", "--generations", "20", "--seed", "4", "--dashboard", $"127.0.0.1:{port}");
        while (search.StandardOutput.ReadLine() is { } line && !line.StartsWith("generation 2 done")) { }
        return Browse($"http://127.0.0.1:{port}/", "--dump-dom");
    }

    [SkippableFact]
    public void A_chart_of_a_metric_other_than_accuracy_is_scaled_and_labelled_by_that_metric()
    {
        Skip.IfNot(File.Exists(Chromium), "no Chromium: apt-get install chromium (as .ci/run does)");
        var grid = _cli.SizedGrid();
        var sizes = File.ReadLines(grid).Skip(1).Select(l => long.Parse(l.Split(',')[^1], CultureInfo.InvariantCulture))
            .ToArray();
        var dom = AtGenerationTwo(grid, "metric = parameters, direction = minimize");
        Assert.Contains("<h2 id=\"chart-title\">parameters per generation (best, mean, worst)</h2>", dom);
        // The axis spans the parameter counts seen, labelled as counts, not 0-100 %.
        var chart = Regex.Match(dom, "<svg id=\"chart\"[^>]*>(.*?)</svg>").Groups[1].Value;
        var ticks = Regex.Matches(chart, "<text[^>]*>([^<]*)</text>")
            .Select(m => long.Parse(m.Groups[1].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture))
            .ToArray();
        Assert.Equal(5, ticks.Length);
        Assert.All(ticks, tick => Assert.InRange(tick, sizes.Min(), sizes.Max()));
        Assert.True(ticks.Distinct().Count() > 1, string.Join(", ", ticks));
    }
}
