using System.Text.Json;
using System.Text.RegularExpressions;
using ActorEvolve.Cli.Console;
using ActorEvolve.Cli.Dashboard;
using ActorEvolve.Cli.Report;
using ActorEvolve.Core.Evolution;
using ActorEvolve.Core.Fitness;
using ActorEvolve.Core.Genes;
using ActorEvolve.Engine.Configuration;
using ActorEvolve.Engine.Protocol;
using ActorEvolve.Engine.Results;

namespace ActorEvolve.Cli.Tests;

/// <summary>A rung run (<see cref="SuccessiveHalving"/>) as its run files, the live view, the plain lines, the
/// dashboard and the report show it: the real writers and views, fed the events a run publishes.</summary>
public sealed class RungViewsTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("actorevolve-rungs-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    static readonly SearchSpace Space = new([new ChoiceGene("nb_neurons", ["8", "16", "32", "64", "128", "256"])]);
    static readonly RungSettings Rungs = new([1, 3, 9], 3);
    static readonly Genome[] Children = Space.Enumerate().ToArray();

    /// <summary>A result measured after <paramref name="epochs"/> epochs (its curve that long).</summary>
    static FitnessResult Result(double accuracy, int epochs) => new(accuracy, 1 - accuracy, epochs, epochs * 0.5,
        "127.0.0.1:1/c1", Curve: Enumerable.Repeat(new EpochScore(accuracy, 1 - accuracy), epochs).ToArray());

    /// <summary>Generation 0 of six children in rungs of 1, 3 and 9 epochs: all six reach 1 epoch, the best two
    /// (nb_neurons 128 and 256) 3 epochs, the best of those (256) the full 9. Fully trained, 256 scores below 128's
    /// 3-epoch result, yet it ranks first: 128 is partial. 16 epochs trained of the 54 that training all six fully
    /// would have taken.</summary>
    static IEnumerable<RunEvent> Generation()
    {
        yield return new GenerationStarted(0, 2, Children, Children.Length, 0, DateTimeOffset.UtcNow);
        foreach (var (child, i) in Children.Select((c, i) => (c, i)))
            yield return new RungTrained(0, child, 0, 1, 0, Result(0.5 + i / 100.0, 1), Stopped: false);
        yield return new RungTrained(0, Children[4], 1, 3, 1, Result(0.9, 3), Stopped: false);
        yield return new RungTrained(0, Children[5], 1, 3, 1, Result(0.92, 3), Stopped: false);
        yield return new RungTrained(0, Children[5], 2, 9, 3, Result(0.88, 9), Stopped: false);
        foreach (var final in Finals())
            yield return new EvaluationRecorded(0, final.Genome, final.Fitness);
        var ranked = Evolver.Rank(Finals());
        yield return new GenerationCompleted(
            new GenerationSummary(0, 0.88, 0.6, 0.5, Children[5].Key, Children.Length, 0, 0), ranked,
            DateTimeOffset.UtcNow);
    }

    static IReadOnlyList<ScoredGenome> Finals() =>
    [
        .. Children.Take(4).Select((c, i) => new ScoredGenome(c, Result(0.5 + i / 100.0, 1) with
        {
            Rung = 0, Partial = true,
        })),
        new(Children[4], Result(0.9, 3) with { Rung = 1, Partial = true }),
        new(Children[5], Result(0.88, 9) with { Rung = 2 }),
    ];

    static RunSettings Settings(RungSettings? rungs) => new("halving", 7, Space,
        new GaSettings(Population: 6, Generations: 2, Rungs: rungs),
        new EvaluationPolicy(TimeSpan.FromMinutes(1), 1, TimeSpan.FromMinutes(1)), ModelPath: null);

    RunFiles WriteFolder(IEnumerable<RunEvent> events, bool rungs = true)
    {
        var settings = Settings(rungs ? Rungs : null);
        var files = new RunFiles(_dir);
        var folder = new RunFolderWriter(files, settings,
            new SummarySettings(settings.Ga, "table:grid.csv", 1, "sqlite", null));
        foreach (var e in events) folder.Apply(e);
        return files;
    }

    static ProgressModel Model(IEnumerable<RunEvent> events, RungSettings? rungs)
    {
        var model = new ProgressModel(2) { Rungs = rungs };
        foreach (var e in events) model.Apply(e);
        return model;
    }

    [Fact]
    public void Results_csv_has_each_genomes_rung_and_whether_it_is_partial()
    {
        var files = WriteFolder(Generation());
        var lines = File.ReadAllLines(files.Results);
        Assert.EndsWith(",metrics,rung,partial", lines[0]);
        Assert.Equal(7, lines.Length);
        Assert.EndsWith(",0,true", lines[1]);
        Assert.EndsWith(",1,true", lines[5]);
        Assert.EndsWith(",2,false", lines[6]);
        // The report reads it (and files without the columns, as older runs and runs without rungs write them).
        Assert.Equal([true, true, true, true, true, false], RunReport.Load(files).Evaluations.Select(e => e.Partial));
    }

    [Fact]
    public void Summary_json_tells_the_rungs_genomes_reached_and_the_epochs_saved_in_all_and_per_generation()
    {
        var summary = JsonDocument.Parse(File.ReadAllText(WriteFolder(Generation()).Summary)).RootElement;
        var rungs = summary.GetProperty("rungs");
        Assert.Equal([1, 3, 9], rungs.GetProperty("epochs").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal(3, rungs.GetProperty("reduction").GetInt32());
        foreach (var tally in new[] { rungs.GetProperty("total"), summary.GetProperty("generations")[0]
                     .GetProperty("rungs") })
        {
            Assert.Equal([6, 2, 1], tally.GetProperty("reached").EnumerateArray().Select(r => r.GetInt32()));
            Assert.Equal(5, tally.GetProperty("partial").GetInt32());
            Assert.Equal(16, tally.GetProperty("epochs_trained").GetInt32());
            Assert.Equal(54, tally.GetProperty("epochs_full").GetInt32());
            Assert.Equal(38, tally.GetProperty("epochs_saved").GetInt32());
        }
        var top = summary.GetProperty("top");
        Assert.Equal(2, top[0].GetProperty("rung").GetInt32());
        Assert.False(top[0].TryGetProperty("partial", out _));
        Assert.True(top[1].GetProperty("partial").GetBoolean());
    }

    [Fact]
    public void A_rung_run_s_engine_overhead_counts_every_rung_trial_not_only_the_final_results()
    {
        var start = DateTimeOffset.UnixEpoch;
        var events = Generation().Select(e => e switch
        {
            GenerationStarted started => started with { At = start },
            GenerationCompleted completed => completed with { At = start.AddSeconds(20) },
            _ => e,
        });
        var summary = JsonDocument.Parse(File.ReadAllText(WriteFolder(events).Summary)).RootElement;
        // One slot trained the nine trials for 10.5 s (0.5 s an epoch); the final results alone say 8 s.
        Assert.Equal(20 - 10.5, summary.GetProperty("generations")[0].GetProperty("engine_overhead_seconds")
            .GetDouble(), precision: 6);
    }

    [Fact]
    public void A_resumed_rung_run_s_summary_tells_the_same_rungs_from_the_journaled_facts()
    {
        var uninterrupted = JsonDocument.Parse(File.ReadAllText(WriteFolder(Generation()).Summary)).RootElement;
        var facts = Finals().Select(f => new RecordedFitness(0, f.Genome, f.Fitness)).ToArray();
        var history = new GenerationSummary(0, 0.88, 0.6, 0.5, Children[5].Key, Children.Length, 0, 0);
        File.Delete(Path.Combine(_dir, RunFiles.SummaryFile));
        var resumed = JsonDocument.Parse(File.ReadAllText(
            WriteFolder([new RunResumed(1, facts, [history])]).Summary)).RootElement;
        Assert.Equal(uninterrupted.GetProperty("rungs").GetRawText(), resumed.GetProperty("rungs").GetRawText());
        Assert.Equal(uninterrupted.GetProperty("generations")[0].GetProperty("rungs").GetRawText(),
            resumed.GetProperty("generations")[0].GetProperty("rungs").GetRawText());
    }

    [Fact]
    public void The_rung_tally_counts_every_trial_s_epochs_an_early_promotion_that_fell_out_and_a_retraining_too()
    {
        // nb_neurons=64 was promoted early and fell out of rung 1 (1 + 2 epochs); 256's rung 1 trained from scratch,
        // its checkpoint lost (1 + 3 + 6).
        var costs = new Dictionary<string, int> { [Children[3].Key] = 3, [Children[5].Key] = 10 };
        var events = Generation().Select(e => e is EvaluationRecorded r && costs.TryGetValue(r.Genome.Key, out var c)
            ? r with { Result = r.Result with { EpochsTrained = c } } : e);
        var summary = JsonDocument.Parse(File.ReadAllText(WriteFolder(events).Summary)).RootElement;
        var total = summary.GetProperty("rungs").GetProperty("total");
        Assert.Equal(16 + 2 + 1, total.GetProperty("epochs_trained").GetInt32());
        Assert.Equal(54 - 19, total.GetProperty("epochs_saved").GetInt32());
    }

    [Fact]
    public void A_resumed_generation_s_live_view_goes_on_from_the_rung_trials_that_came_back_before_it_stopped()
    {
        var events = Generation().ToArray();
        var trials = events.OfType<RungTrained>().ToArray();
        // Stopped after all but the last trial came back; the resumed run tells them, then starts generation 0 again.
        var model = Model([new RunResumed(0, [], [], Trials: trials[..^1]), events[0], trials[^1]], Rungs);
        AssertRungsNow(LiveViewTests.Rendered(model));
        Assert.Equal(1, model.GenerationShare);
        // The next generation starts from none.
        model.Apply(new GenerationStarted(1, 2, Children, Children.Length, 0, DateTimeOffset.UtcNow));
        Assert.Equal(0, model.Read(m => m.EpochsTrainedNow));
    }

    /// <summary>The current generation's rungs, each line whole (a terminal of 80 columns wraps none).</summary>
    static void AssertRungsNow(string rendered)
    {
        var lines = rendered.Split('\n');
        Assert.Contains(lines, l => Regex.IsMatch(l,
            @"^│ Rungs this generation: 16 epochs trained; genomes back/final set: +│$"));
        Assert.Contains(lines, l => Regex.IsMatch(l, @"^│   1 epoch 6/6, 3 epochs 2/2, 9 epochs 1/1 +│$"));
    }

    [Fact]
    public void A_run_without_rungs_writes_no_rung_columns_or_blocks()
    {
        var files = WriteFolder(Generation().Where(e => e is not RungTrained).Select(Unranked), rungs: false);
        Assert.EndsWith(",metrics", File.ReadLines(files.Results).First());
        var summary = File.ReadAllText(files.Summary);
        Assert.DoesNotContain("rung", summary);
        Assert.DoesNotContain("partial", summary);
    }

    /// <summary>The event as a run without rungs publishes it: results without a rung.</summary>
    static RunEvent Unranked(RunEvent e) => e switch
    {
        EvaluationRecorded r => r with { Result = r.Result with { Rung = null, Partial = false } },
        GenerationCompleted c => c with
        {
            Ranked = c.Ranked.Select(s => s with { Fitness = s.Fitness with { Rung = null, Partial = false } })
                .ToArray(),
        },
        _ => e,
    };

    [Fact]
    public void The_live_view_shows_the_rungs_filling_then_each_generations_tally_and_ranks_partial_genomes_last()
    {
        var events = Generation().ToArray();
        // Every result arrives once the rungs settle: the generation's progress is its rung trials back (of 9).
        var started = Model(events.Take(1 + 3), Rungs);
        Assert.Equal(3.0 / 9, started.GenerationShare);
        var during = Model(events.TakeWhile(e => e is not EvaluationRecorded), Rungs);
        Assert.Equal(1, during.GenerationShare);
        AssertRungsNow(LiveViewTests.Rendered(during, width: 80));

        // On a terminal of 80 columns, each row of the rungs table on one line.
        var after = LiveViewTests.Rendered(Model(events, Rungs), width: 80);
        Assert.Contains("Rungs: genomes that reached each, epochs saved", after);
        Assert.Matches(@"│ Gen\.\s+│ 1 ep\.\s+│ 3 ep\.\s+│ 9 ep\.\s+│ Partial\s+│ Trained\s+│ Saved\s+│", after);
        Assert.Matches(@"│ 1\s+│ 6\s+│ 2\s+│ 1\s+│ 5\s+│ 16\s+│ 38 \(70%\)\s+│", after);
        Assert.Matches(@"│ all\s+│ 6\s+│ 2\s+│ 1\s+│ 5\s+│ 16\s+│ 38 \(70%\)\s+│", after);
        // nb_neurons=128 scored 90 % after 3 epochs, but is partial: the fully trained 256 (88 %) ranks first.
        Assert.Contains($"Best so far: {0.88:P2}  nb_neurons=256", after);

        var without = LiveViewTests.Rendered(
            Model(events.Where(e => e is not RungTrained).Select(Unranked), rungs: null));
        Assert.DoesNotContain("Rung", without);
        Assert.Contains($"Best so far: {0.9:P2}  nb_neurons=128", without);
    }

    [Fact]
    public void The_live_view_s_rungs_table_fits_80_columns_with_the_full_budget_s_rungs_over_a_whole_run()
    {
        var rungs = new RungSettings([11, 33, 100], 3);
        var model = new ProgressModel(10) { Rungs = rungs };
        var genomes = Enumerable.Range(0, 200).Select(i => Genome.Parse($"n={i}")).ToArray();
        for (var generation = 0; generation < 10; generation++)
        {
            var children = genomes.Skip(generation * 20).Take(20).ToArray();
            model.Apply(new GenerationStarted(generation, 10, children, 20, 0, DateTimeOffset.UtcNow));
            // Per generation 20 children reach 11 epochs, 6 of them 33 and 2 the full 100.
            foreach (var (child, i) in children.Select((c, i) => (c, i)))
            {
                var rung = i < 2 ? 2 : i < 6 ? 1 : 0;
                model.Apply(new EvaluationRecorded(generation, child,
                    Result(0.8, rungs.Epochs[rung]) with { Rung = rung, Partial = rung < 2 }));
            }
            var summary = new GenerationSummary(generation, 0.8, 0.8, 0.8, children[0].Key, 20, 0, 0);
            model.Apply(new GenerationCompleted(summary, [], DateTimeOffset.UtcNow));
        }
        var text = LiveViewTests.Rendered(model, width: 80);
        Assert.Matches(@"│ 10\s+│ 20\s+│ 6\s+│ 2\s+│ 18\s+│ 486\s+│ 1,514 \(76%\)\s+│", text);
        Assert.Matches(@"│ all\s+│ 200\s+│ 60\s+│ 20\s+│ 180\s+│ 4,860\s+│ 15,140 \(76%\)\s+│", text);
    }

    [Fact]
    public void Plain_lines_show_rung_trials_partial_genomes_and_the_generations_saving()
    {
        var model = new ProgressModel(2) { Rungs = Rungs };
        var lines = Generation().Select(e =>
        {
            model.Apply(e);
            return PlainLines.Format(e, model);
        }).OfType<string>().ToArray();
        Assert.Contains("  rung 2    nb_neurons=256  accuracy 88.00%  epochs 3-9  4.5s  on 127.0.0.1:1/c1",
            lines.Select(l => l.Replace(" %", "%")));
        Assert.Contains(lines, l => l.StartsWith("  evaluated nb_neurons=128") &&
                                    l.EndsWith("partial (stopped at rung 1)"));
        Assert.Contains(lines, l => l.StartsWith("  evaluated nb_neurons=256") && !l.Contains("partial"));
        Assert.EndsWith("  rungs reached 6/2/1, 16 of 54 epochs trained, 38 saved (70%)", lines[^1]);
    }

    [Fact]
    public void The_final_table_marks_partial_genomes()
    {
        var output = new StringWriter();
        var console = LiveViewTests.PlainConsole(output);
        var files = WriteFolder(Generation());
        var ranked = Evolver.Rank(Finals());
        FinalReport.Print(console, new RunCompleted(ranked[0], null, [], ranked), files, TimeSpan.Zero,
            ObjectiveText.Default);
        var text = output.ToString();
        Assert.Matches(@"│ 1 │ 256\s+│ [^│]+│ 9\s+│ [^│]+│ 2\s+│", text);
        Assert.Matches(@"│ 2 │ 128\s+│ [^│]+│ 3\s+│ [^│]+│ 1 \(partial\)\s+│", text);
        Assert.Contains("Rungs of 1/3/9 epochs reached by 6/2/1 genomes\n  16 of 54 epochs trained, 38 saved (70%)\n",
            text.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void The_report_shows_the_rungs_by_generation_and_marks_partial_genomes()
    {
        var files = WriteFolder(Generation());
        var markdown = File.ReadAllText(ReportWriter.Write(files, markdown: true));
        Assert.Contains("- Rungs (epochs 1, 3, 9, reduction 3): of 6 genomes, 2 reached 3 epochs, 1 reached 9 " +
                        "epochs; 16 of 54 epochs trained, 38 saved (70%)", markdown);
        Assert.Contains("| Generation | Reached 1 ep. | Reached 3 ep. | Reached 9 ep. | Partial | Epochs trained | " +
                        "Full training | Saved |", markdown);
        Assert.Contains("| 1 | 6 | 2 | 1 | 5 | 16 | 54 | 38 (70%) |", markdown);
        Assert.Contains("| all | 6 | 2 | 1 | 5 | 16 | 54 | 38 (70%) |", markdown);
        Assert.Matches(@"\| 1 \| 256 \| 88\.00% \| 9 \| [^|]+ \| [^|]+ \| 2 \|", markdown);
        Assert.Matches(@"\| 2 \| 128 \| 90\.00% \| 3 \| [^|]+ \| [^|]+ \| 1 \(partial\) \|", markdown);
        Assert.Contains("## nb_neurons: validation accuracy by value (mean and best of the fully trained networks)",
            markdown);
    }

    [Fact]
    public void A_real_rung_run_s_lines_final_table_files_and_report_agree_on_its_rungs()
    {
        using var cli = new CliProcess();
        var grid = Path.Combine(AppContext.BaseDirectory, "grids", "fashion-mnist-curves.csv");
        var result = cli.Run("search", "--fitness", $"table:{grid}", "--config",
            cli.Write("rungs.conf", "actorevolve.ga.rungs = [1, 3, 9]"), "--population", "9", "--generations", "2",
            "--seed", "3", "--run-id", "halving");
        Assert.True(result.ExitCode == 0, result.Stderr);
        var lines = result.Stdout.Split('\n');
        Assert.Contains(lines, l => l.StartsWith("  rung 1    ") && l.Contains(" epochs 1-3 "));
        var done = lines.Where(l => l.StartsWith("generation ") && l.Contains(" done: ")).ToArray();
        Assert.Equal(2, done.Length);
        Assert.All(done, l => Assert.Matches(@"  rungs reached \d+/\d+/1, \d+ of \d+ epochs trained, \d+ saved", l));
        Assert.Contains(lines, l => l.Contains("│ 1 (partial) │"));

        var folder = Path.Combine(cli.WorkDir, "runs", "halving");
        var rows = File.ReadAllLines(Path.Combine(folder, RunFiles.ResultsFile)).Skip(1)
            .Select(l => l.Split(',')[^2..]).Select(c => (Rung: int.Parse(c[0]), Partial: bool.Parse(c[1]))).ToArray();
        var total = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, RunFiles.SummaryFile))).RootElement
            .GetProperty("rungs").GetProperty("total");
        Assert.Equal(Enumerable.Range(0, 3).Select(k => rows.Count(r => r.Rung >= k)),
            total.GetProperty("reached").EnumerateArray().Select(r => r.GetInt32()));
        Assert.Equal(rows.Count(r => r.Partial), total.GetProperty("partial").GetInt32());
        // Most children stop after 1 or 3 of 9 epochs.
        Assert.InRange(total.GetProperty("epochs_trained").GetInt32(), 1,
            total.GetProperty("epochs_full").GetInt32() / 2);
        Assert.Contains("<h2>Rungs: genomes that reached each, epochs saved</h2>",
            File.ReadAllText(Path.Combine(folder, "report", "index.html")));
    }

    [SkippableFact]
    public async Task The_dashboard_shows_the_rungs_and_marks_partial_genomes()
    {
        const string chromium = "/usr/bin/chromium";
        Skip.IfNot(File.Exists(chromium), "no Chromium: apt-get install chromium (as .ci/run does)");
        var model = Model(Generation(), Rungs);
        var port = DashboardTests.FreePort();
        await using var dashboard = await DashboardServer.StartAsync($"127.0.0.1:{port}", model, "rungs");
        using var http = new HttpClient();
        var state = JsonDocument.Parse(await http.GetStringAsync($"http://127.0.0.1:{port}/api/state")).RootElement;
        var rungs = state.GetProperty("rungs");
        Assert.Equal(38, rungs.GetProperty("total").GetProperty("epochsSaved").GetInt32());
        Assert.Equal(1, rungs.GetProperty("generations")[0].GetProperty("generation").GetInt32());

        var dom = DashboardTests.Browse($"http://127.0.0.1:{port}/", "--dump-dom");
        Assert.Contains("<td class=\"g\">all</td><td>6</td><td>2</td><td>1</td><td>5</td><td>16</td><td>54</td>" +
                        "<td>38 (70%)</td>", dom);
        Assert.Matches("<td class=\"g\">nb_neurons=128</td><td>90.00 %</td><td>[^<]+</td><td>[^<]+</td>" +
                       "<td>1 \\(partial\\)</td>", dom);
        Assert.Contains("id=\"rungs-now\">Rungs this generation: 16 epochs trained; genomes back/final set: " +
                        "1 epoch 6/6, 3 epochs 2/2, 9 epochs 1/1<", dom);
        Assert.Contains("6/6 trained this generation, 0 cached, 0 failed, 6 trainings in all", dom);
    }

    /// <summary>A steady-state rung run's first round (ASHA) as <see cref="SteadyStateActor"/> publishes it, each rung
    /// trial a result: three of the round's four births trained their first epoch, the best (nb_neurons=32) went on
    /// to 3 epochs; 5 epochs trained.</summary>
    static IEnumerable<RunEvent> SteadyRound()
    {
        yield return new GenerationStarted(0, 3, Children[..4], 4, 0, DateTimeOffset.UtcNow, RunStep.Round,
            [3, 2, 1, 0]);
        foreach (var (child, rung, accuracy) in new[] { (0, 0, 0.5), (1, 0, 0.6), (2, 0, 0.7), (2, 1, 0.8) })
        {
            var result = Result(accuracy, Rungs.Epochs[rung]) with
            {
                Rung = rung, Partial = true, EpochsTrained = Rungs.Epochs[rung] - Rungs.EpochsBefore(rung),
            };
            yield return RungTrained.Of(0, Children[child], rung, result, stopped: false, Rungs);
            yield return new EvaluationRecorded(0, Children[child], result);
        }
    }

    /// <summary>ASHA has no generation: no rung has a final set, and a round's progress is its births, not the
    /// promotions that come back in it. The live view, the dashboard and the plain lines count births and rung
    /// trials apart, as summary.json (births' genomes) and the report do.</summary>
    [SkippableFact]
    public async Task A_steady_state_rung_run_s_views_count_births_and_rung_trials_apart_and_no_final_set()
    {
        var model = Model(SteadyRound(), Rungs);
        model.Apply(new TrainerNodesChanged([("127.0.0.1:1", 2)]));
        Assert.Equal(0.75, model.GenerationShare);
        Assert.Contains("This round: 3/4 births trained, 0 running, 0 cached, 0 failed   (3 births trained, 4 rung " +
                        "trials in all)", LiveViewTests.Rendered(model));
        var text = LiveViewTests.Rendered(model, width: 80);
        Assert.Matches(@"│ Rungs so far: 5 epochs trained; genomes that reached each: +│", text);
        Assert.Matches(@"│   1 epoch 3, 3 epochs 1, 9 epochs 0 +│", text);
        Assert.DoesNotContain("final set", text);
        Assert.Matches(@"│ Node\s+│ Slots\s+│ Busy\s+│ Idle\s+│ Rung trials\s+│", text);
        Assert.Matches(@"│ 127\.0\.0\.1:1\s+│ 2\s+│ 0\s+│ 2\s+│ 4\s+│", text);

        var facts = SteadyRound().OfType<EvaluationRecorded>()
            .Select(e => new RecordedFitness(e.Generation, e.Genome, e.Result)).ToArray();
        var resumed = new RunResumed(0, facts, [], RunStep.Round);
        var fresh = new ProgressModel(3) { Rungs = Rungs };
        fresh.Apply(resumed);
        Assert.Equal("resumed in round 1: 4 rung trials of 3 births recovered from the journal, none will be repeated",
            PlainLines.Format(resumed, fresh));

        const string chromium = "/usr/bin/chromium";
        Skip.IfNot(File.Exists(chromium), "no Chromium: apt-get install chromium (as .ci/run does)");
        var port = DashboardTests.FreePort();
        await using var dashboard = await DashboardServer.StartAsync($"127.0.0.1:{port}", model, "asha");
        var dom = DashboardTests.Browse($"http://127.0.0.1:{port}/", "--dump-dom");
        Assert.Contains("3/4 births trained this round, 0 cached, 0 failed, 3 births trained, 4 rung trials in all",
            dom);
        Assert.Contains("id=\"rungs-now\">Rungs so far: 5 epochs trained; genomes that reached each: 1 epoch 3, " +
                        "3 epochs 1, 9 epochs 0<", dom);
        Assert.Contains("<th>Rung trials</th>", dom);
    }
}
