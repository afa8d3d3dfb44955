using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ActorEvolve.Cli.Composition;
using ActorEvolve.Core.Fitness;
using ActorEvolve.Core.Genes;
using ActorEvolve.Engine.Configuration;
using ActorEvolve.Engine.Persistence;

namespace ActorEvolve.Cli.Tests;

/// <summary><c>exec:</c> fitness as users run it: the shipped example programs, driven by the real CLI, killed and
/// resumed, and spread over trainer processes on loopback TCP.</summary>
public sealed class ExecTests : IDisposable
{
    readonly CliProcess _cli = new();

    public void Dispose() => _cli.Dispose();

    /// <summary>Debian's python3 (the one with python3-torch), running a shipped example program.</summary>
    static string Example(string script) =>
        $"exec:/usr/bin/python3 {Path.Combine(AppContext.BaseDirectory, "examples", "exec", script)}";

    static string[] Search(string fitness, string runId, params string[] extra) =>
        ["search", "--fitness", fitness, "--seed", "5", "--run-id", runId, .. extra];

    static readonly string[] Small = ["--population", "6", "--generations", "3"];

    string Run(string runId) => Path.Combine(_cli.WorkDir, "runs", runId);

    static string[] Rows(string run) => File.ReadAllLines(Path.Combine(run, "results.csv")).Skip(1).ToArray();

    /// <summary>(generation, genes, fitness) of every evaluation, in a stable order.</summary>
    static string[] Evaluations(string run) =>
        Rows(run).Select(r => string.Join(",", r.Split(',').Take(6))).Order().ToArray();

    static JsonElement Summary(string run) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "summary.json"))).RootElement;

    [Fact]
    public void A_search_over_the_stdlib_example_survives_kills_and_ends_as_the_uninterrupted_run()
    {
        var fitness = Example("synthetic.py");
        var reference = _cli.Run(Search(fitness, "reference", [.. Small, "--slots", "2"]));
        Assert.True(reference.ExitCode == 0, reference.Stderr);
        // The example declines the winner's test evaluation: the run says so and finishes without a test figure.
        Assert.Contains("no test accuracy (", reference.Stdout);
        Assert.Equal(JsonValueKind.Null, Summary(Run("reference")).GetProperty("test_accuracy").ValueKind);
        // Every metric the program reported is in results.csv and summary.json.
        Assert.All(Rows(Run("reference")), r => Assert.Contains("\"\"loss\"\":", r));
        Assert.True(Summary(Run("reference")).GetProperty("best").GetProperty("metrics").TryGetProperty("loss", out _));
        Assert.Contains("<th>loss</th>", File.ReadAllText(Path.Combine(Run("reference"), "report", "index.html")));
        // The program's own non-JSON output went to the run's log, not to the terminal.
        Assert.DoesNotContain("synthetic objective for", reference.Stdout);
        Assert.DoesNotContain("[INFO]", reference.Stdout + reference.Stderr); // nor Akka's own log, at shutdown too
        Assert.Contains("synthetic objective for", File.ReadAllText(Path.Combine(Run("reference"), "actorevolve.log")));

        _cli.RunAndKill(l => l.StartsWith("  evaluated"), 4, Search(fitness, "killed", [.. Small, "--slots", "2"]));
        _cli.RunAndKill(l => l.StartsWith("generation 2 done"), 1, "resume", "killed");
        var resumed = _cli.Run("resume", "killed");
        Assert.True(resumed.ExitCode == 0, resumed.Stderr);
        Assert.Equal(Evaluations(Run("reference")), Evaluations(Run("killed")));
        Assert.Equal(Summary(Run("reference")).GetProperty("best").GetProperty("genes").ToString(),
            Summary(Run("killed")).GetProperty("best").GetProperty("genes").ToString());
    }

    [Fact]
    public void A_trainer_node_runs_its_own_command_never_the_coordinators()
    {
        string Program(string name, double accuracy) => _cli.Write(name, $$$"""
            import json, sys
            json.load(sys.stdin)
            print(json.dumps({"result": {"accuracy": {{{accuracy}}}}}))
            """);
        var (coordinatorProgram, trainerProgram) = (Program("coordinator.py", 0.1), Program("trainer.py", 0.9));
        var (coordinator, port) = _cli.StartCoordinator(
            Search($"exec:/usr/bin/python3 {coordinatorProgram}", "own", [.. Small, "--local-trainers", "0"]));
        _cli.Start(["trainer", "--join", $"127.0.0.1:{port}", "--slots", "1", "--fitness",
            $"exec:/usr/bin/python3 {trainerProgram}"]);

        var seen = CliProcess.ReadUntil(coordinator, _ => false, 1);
        Assert.True(coordinator.WaitForExit(TimeSpan.FromMinutes(2)), "the coordinator did not finish");
        Assert.True(coordinator.ExitCode == 0, string.Join("\n", seen) + coordinator.StandardError.ReadToEnd());
        Assert.All(Rows(Run("own")), r => Assert.Equal("0.9", r.Split(',')[5]));
    }

    [Fact]
    public void An_objective_to_minimize_ranks_the_lowest_value_first_and_is_shown_by_its_name()
    {
        var program = _cli.Write("loss.py", """
            import json, sys
            g = json.load(sys.stdin)["genes"]
            print(json.dumps({"result": {"loss": g["nb_layers"] + g["nb_neurons"] / 10000, "accuracy": 0.5}}))
            """);
        var config = _cli.Write("minimize.conf", "actorevolve.objective { metric = loss, direction = minimize }");
        var run = _cli.Run(Search($"exec:/usr/bin/python3 {program}", "minimize", [.. Small, "--config", config]));
        Assert.True(run.ExitCode == 0, run.Stderr);

        var losses = Rows(Run("minimize")).Select(r => double.Parse(r.Split(',')[5], CultureInfo.InvariantCulture));
        var best = Summary(Run("minimize")).GetProperty("best");
        Assert.Equal(losses.Min(), best.GetProperty("validation_accuracy").GetDouble());
        Assert.Contains(run.Stdout.Split('\n'), l => l.StartsWith("  evaluated") && l.Contains("  loss "));
        Assert.Contains("Top 5 networks (validation loss)", run.Stdout);
        // The run names its objective in its summary.
        Assert.Equal("minimize", Summary(Run("minimize")).GetProperty("config").GetProperty("objective")
            .GetProperty("direction").GetString());
    }

    [Fact]
    public void Two_objectives_keep_a_front_and_a_result_without_the_second_metric_fails()
    {
        // One-layer networks report no size: the program's metrics are known only from its results.
        var program = _cli.Write("sized.py", """
            import json, sys
            g = json.load(sys.stdin)["genes"]
            result = {"accuracy": g["nb_neurons"] / 2048 + g["nb_layers"] / 10}
            if g["nb_layers"] > 1: result["size"] = g["nb_layers"] * g["nb_neurons"]
            print(json.dumps({"result": result}))
            """);
        var config = _cli.Write("two.conf",
            "actorevolve.objective { metric = [accuracy, size], direction = [maximize, minimize] }");
        var run = _cli.Run(Search($"exec:/usr/bin/python3 {program}", "two", [.. Small, "--config", config]));
        Assert.True(run.ExitCode == 0, run.Stderr);

        var rows = File.ReadAllLines(Path.Combine(Run("two"), "results.csv"));
        var layers = Array.IndexOf(rows[0].Split(','), "nb_layers");
        var oneLayer = rows.Skip(1).Where(r => r.Split(',')[layers] == "1").ToArray();
        Assert.NotEmpty(oneLayer);
        Assert.All(oneLayer, r => Assert.Contains("the result has no metric 'size'", r));
        var front = Summary(Run("two")).GetProperty("front").EnumerateArray().ToArray();
        Assert.NotEmpty(front);
        Assert.All(front, m => Assert.NotEqual("1", m.GetProperty("genes").GetProperty("nb_layers").GetString()));
        Assert.Contains("(accuracy maximized, size minimized)", run.Stdout);
    }

    [Theory]
    [InlineData("exec:", "", "fitness 'exec:' needs a command")]
    [InlineData("exec:true", "actorevolve.objective.direction = sideways", "must be maximize or minimize")]
    [InlineData("exec:true", "actorevolve.objective.metric = \"\"", "objective.metric must name a metric")]
    [InlineData("exec:true", "actorevolve.exec.args = 5", "exec.args must be an object")]
    [InlineData("exec:true", "actorevolve.exec.working-directory = /no/such/folder", "does not exist")]
    [InlineData("exec:true", "actorevolve.ga.rungs = [1, 2]", "with an exec: fitness need actorevolve.exec.max-epochs")]
    [InlineData("exec:true", "actorevolve.exec.max-epochs = -1", "actorevolve.exec.max-epochs must be a whole number")]
    public void Bad_exec_and_objective_settings_are_one_line_and_write_nothing(string fitness, string hocon,
        string message)
    {
        var config = _cli.Write("bad.conf", hocon);
        var result = _cli.Run(Search(fitness, "bad", [.. Small, "--config", config]));
        Assert.Equal(2, result.ExitCode);
        Assert.Single(result.StderrLines);
        Assert.Contains(message, result.Stderr);
        Assert.False(Directory.Exists(Path.Combine(_cli.WorkDir, "runs")));
    }

    /// <summary>The PyTorch example in rungs, built as a run builds it: trained to epoch 1 and continued to 3 from its
    /// checkpoint it reports what a training of 3 epochs straight reports, number for number; a checkpoint past the
    /// rung is not used.</summary>
    [Fact]
    public async Task The_pytorch_example_continued_from_its_checkpoint_reports_what_a_straight_training_does()
    {
        var config = HoconLoader.Load(overrides: [
            $"actorevolve.fitness = {HoconLoader.Quote(Example("torch_fashion_mnist.py"))}",
            "actorevolve.exec.args { train_samples = 300, validation_samples = 200 }",
            "actorevolve.exec.max-epochs = 3",
        ]);
        var fitness = FitnessConfig.ForRungs(
            await FitnessConfig.CreateAsync(config, EngineSettings.From(config).Space, CancellationToken.None));
        Assert.Equal(3, fitness.MaxEpochs);
        var genome = new Genome(new Dictionary<string, string>
        {
            ["activation"] = "relu", ["nb_layers"] = "2", ["nb_neurons"] = "64", ["optimizer"] = "adam",
        });
        var checkpoint = Path.Combine(_cli.WorkDir, "checkpoints", "g");
        FitnessResult Train(int epochs, string? folder) =>
            fitness.EvaluateUpTo(genome, epochs, folder, new EvaluationContext(7, "t"), CancellationToken.None);

        var first = Train(1, checkpoint);
        Assert.True(File.Exists(Path.Combine(checkpoint, "checkpoint.pt")));
        var continued = Train(3, checkpoint);
        var straight = Train(3, null);

        Assert.False(straight.Failed, straight.FailureReason);
        Assert.Equal(straight.Metrics, continued.Metrics); // the result line: accuracy, loss, epochs
        Assert.Equal(straight.Curve, continued.Curve);
        Assert.Equal(3, straight.Curve!.Count);
        Assert.Equal(first.Metrics, Train(1, checkpoint).Metrics); // its checkpoint is at epoch 3 now: from scratch
    }

    /// <summary>The PyTorch example in a steady-state ASHA run (rungs of 1 and 3 epochs): every birth trains its first
    /// rung, the best third go on from their torch.save checkpoint (epochs 1-3, not 0-3), and the lines, results.csv
    /// and the journal hold the same trials; the winner is fully trained and tested.</summary>
    [Fact]
    public async Task A_steady_state_pytorch_search_in_rungs_continues_its_promotions_from_their_checkpoints()
    {
        var config = _cli.Write("asha.conf", """
            actorevolve.exec.args { train_samples = 300, validation_samples = 200, test_samples = 200 }
            actorevolve.exec.max-epochs = 3
            actorevolve.ga { mode = steady-state, evaluations = 6, rungs = [1, 3], reduction = 3,
                             initial-population = grid, avoid-duplicates = on }
            """);
        var result = _cli.Run(Search(Example("torch_fashion_mnist.py"), "asha",
            "--population", "3", "--slots", "2", "--config", config));
        Assert.True(result.ExitCode == 0, result.Stderr);

        var lines = result.Stdout.Split('\n');
        var promotions = lines.Where(l => l.StartsWith("  rung 1 ")).ToArray();
        Assert.Equal(6, lines.Count(l => l.StartsWith("  rung 0 ") && l.Contains(" epochs 0-1 ")));
        Assert.InRange(promotions.Length, 6 / 3, 6);
        Assert.All(promotions, l => Assert.Contains(" epochs 1-3 ", l)); // from the checkpoint, not from scratch
        // results.csv: a row per trial, at its rung (the last two columns: rung, partial).
        var rungs = Rows(Run("asha")).Select(r => int.Parse(r.Split(',')[^2], CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal((6, promotions.Length), (rungs.Count(r => r == 0), rungs.Count(r => r == 1)));
        // The journal: each promotion's result cost the two epochs after its checkpoint.
        await using var journal = JournalReader.Open(HoconLoader.Load(),
            JournalSettings.From("", Path.Combine(_cli.WorkDir, "runs")));
        var facts = (await journal.ReadAsync("asha")).Facts;
        Assert.Equal(promotions.Length, facts.Count(f => f.Result.Rung == 1));
        Assert.All(facts.Where(f => f.Result.Rung == 1), f => Assert.Equal((3, 2),
            (f.Result.EpochsReached, f.Result.EpochsSince(0))));

        var summary = Summary(Run("asha"));
        Assert.Equal("completed", summary.GetProperty("status").GetString());
        // Births and rung trials counted apart, the report as summary.json: 6 births' genomes evaluated.
        Assert.Equal(6, summary.GetProperty("evaluations").GetInt32());
        Assert.Contains($"Seed 5, 6 births trained ({6 + promotions.Length} rung trials) in 2 rounds",
            File.ReadAllText(Path.Combine(Run("asha"), "report", "index.html")));
        Assert.Equal(1, summary.GetProperty("best").GetProperty("rung").GetInt32());
        Assert.False(summary.GetProperty("best").TryGetProperty("partial", out _)); // fully trained
        Assert.InRange(summary.GetProperty("test_accuracy").GetDouble(), 0.1, 1);
        Assert.False(Directory.Exists(Path.Combine(Run("asha"), "checkpoints"))); // none outlives the run
    }

    /// <summary>The PyTorch example on two trainers, one killed mid-run: the run ends as on one node.</summary>
    [Fact]
    public void A_pytorch_search_on_two_trainers_loses_nothing_when_one_is_killed()
    {
        var config = _cli.Write("torch.conf", """
            actorevolve.exec.args { train_samples = 600, validation_samples = 300, epochs = 1, test_samples = 300 }
            """);
        var fitness = Example("torch_fashion_mnist.py");
        string[] search(string runId, params string[] extra) =>
            Search(fitness, runId, ["--population", "5", "--generations", "2", "--config", config, .. extra]);
        var reference = _cli.Run(search("reference", "--slots", "2"));
        Assert.True(reference.ExitCode == 0, reference.Stderr);
        Assert.Contains(" test accuracy", reference.Stdout);

        var (coordinator, port) = _cli.StartCoordinator(search("cluster", "--local-trainers", "0"));
        Process trainer() => _cli.Start(["trainer", "--join", $"127.0.0.1:{port}", "--slots", "1", "--fitness", fitness,
            "--config", config]);
        var (victim, survivor) = (trainer(), trainer());
        var seen = CliProcess.ReadUntil(coordinator, l => l.StartsWith("  evaluated"), 3);
        victim.Kill(entireProcessTree: true); // SIGKILL, its python child with it
        seen.AddRange(CliProcess.ReadUntil(coordinator, _ => false, 1));
        Assert.True(coordinator.WaitForExit(TimeSpan.FromMinutes(4)), "the coordinator did not finish");
        Assert.True(coordinator.ExitCode == 0, string.Join("\n", seen) + coordinator.StandardError.ReadToEnd());

        Assert.Equal(Evaluations(Run("reference")), Evaluations(Run("cluster")));
        Assert.Equal(Summary(Run("reference")).GetProperty("test_accuracy").GetDouble(),
            Summary(Run("cluster")).GetProperty("test_accuracy").GetDouble());
        Assert.False(survivor.HasExited);
    }
}
