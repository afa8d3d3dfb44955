using System.Text.Json.Nodes;
using ActorEvolve.Core.Fitness;
using ActorEvolve.Core.Genes;
using ActorEvolve.Core.Randomness;
using ActorEvolve.Training.Exec;

namespace ActorEvolve.Training.Tests;

/// <summary><c>exec:</c> fitness against real child processes: Python programs written for each case.</summary>
public sealed class ExecFitnessTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("actorevolve-exec-").FullName;

    static readonly SearchSpace Space = new([
        new ChoiceGene("nb_neurons", ["64", "128"]),
        new IntRangeGene("nb_layers", 1, 4),
        new FloatRangeGene("learning_rate", 0.001, 0.1, log: true),
        new ChoiceGene("activation", ["relu", "tanh"]),
    ]);

    static readonly Genome Genome = new(new Dictionary<string, string>
        { ["nb_neurons"] = "128", ["nb_layers"] = "3", ["learning_rate"] = "0.01", ["activation"] = "relu" });

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    ExecFitness Program(string python, TimeSpan? timeout = null, string metric = "accuracy")
    {
        File.WriteAllText(Path.Combine(_dir, "program.py"), python);
        return new ExecFitness(new ExecSettings("/usr/bin/python3 program.py", new JsonObject { ["data"] = "/data/x" },
            metric, timeout ?? TimeSpan.FromMinutes(2), _dir), Space);
    }

    static EvaluationContext Context(List<string>? log = null, List<(int, double)>? progress = null) =>
        new(RunSeed: 42, "test/c1", (epoch, value) => progress?.Add((epoch, value)), "run-a", Attempt: 2,
            line => log?.Add(line));

    [Fact]
    public void The_program_gets_typed_genes_the_derived_seed_and_its_args_and_its_result_becomes_the_fitness()
    {
        var fitness = Program("""
            import json, os, sys
            r = json.load(sys.stdin)
            g = r["genes"]
            assert isinstance(g["nb_neurons"], int) and isinstance(g["nb_layers"], int), g
            assert isinstance(g["learning_rate"], float) and g["activation"] == "relu", g
            assert os.environ["ACTOREVOLVE_SEED"] == str(r["seed"]) and os.environ["ACTOREVOLVE_GENE_NB_LAYERS"] == "3"
            print("warming up")
            print(json.dumps({"epoch": 1, "accuracy": 0.5}))
            print(json.dumps({"result": {"accuracy": 0.75, "loss": 0.5, "epochs": 4, "seed": r["seed"],
                "attempt": r["attempt"], "args_ok": int(r["args"]["data"] == "/data/x"),
                "run_ok": int(r["run_id"] == "run-a")}}))
            """);
        var (log, progress) = (new List<string>(), new List<(int, double)>());

        var result = fitness.Evaluate(Genome, Context(log, progress), CancellationToken.None);

        Assert.False(result.Failed, result.FailureReason);
        Assert.Equal(0.75, result.Accuracy);
        Assert.Equal(0.5, result.ValidationLoss);
        Assert.Equal(4, result.Epochs);
        Assert.Equal((double)DeterministicRng.DeriveSeed(42, Genome.Key), result.Metrics!["seed"]);
        Assert.Equal(2, result.Metrics["attempt"]);
        Assert.Equal(1, result.Metrics["args_ok"]);
        Assert.Equal(1, result.Metrics["run_ok"]);
        Assert.Equal([(1, 0.5)], progress);
        Assert.Equal(["warming up"], log);
    }

    [Theory]
    [InlineData("print('hello')", "no result line")]
    [InlineData("import sys; sys.stderr.write('Traceback: boom\\n'); sys.exit(3)",
        "exited with code 3; stderr: Traceback: boom")]
    [InlineData("print('{\"result\": {\"accuracy\": NaN}}')", "'accuracy' is NaN")]
    [InlineData("print('{\"result\": {\"loss\": 0.3}}')", "has no 'accuracy'")]
    [InlineData("import os; os.kill(os.getpid(), 9)", "killed by signal 9")]
    public void A_program_that_does_not_answer_properly_fails_the_attempt_with_the_reason(string python, string reason)
    {
        var failure = Assert.Throws<EvaluationException>(() =>
            Program(python).Evaluate(Genome, Context(), CancellationToken.None));
        Assert.Contains(reason, failure.Message);
    }

    [Fact]
    public void A_command_that_does_not_exist_fails_the_attempt_saying_so()
    {
        var fitness = new ExecFitness(new ExecSettings("no-such-program --fast", new JsonObject(), "accuracy",
            TimeSpan.FromMinutes(1), _dir), Space);
        var failure = Assert.Throws<EvaluationException>(() =>
            fitness.Evaluate(Genome, Context(), CancellationToken.None));
        Assert.Contains("command not found", failure.Message);
    }

    /// <summary>A program that starts a child and never ends: timeout and cancellation kill the whole tree.</summary>
    const string Hangs = """
        import subprocess, time
        child = subprocess.Popen(["sleep", "600"])
        open("child.pid", "w").write(str(child.pid))
        print("started", flush=True)
        time.sleep(600)
        """;

    [Fact]
    public void A_program_that_never_ends_is_killed_with_its_children_at_the_timeout()
    {
        var fitness = Program(Hangs, timeout: TimeSpan.FromSeconds(3));
        var failure = Assert.Throws<EvaluationException>(() =>
            fitness.Evaluate(Genome, Context(), CancellationToken.None));
        Assert.Contains("no exit within", failure.Message);
        AssertGone(int.Parse(File.ReadAllText(Path.Combine(_dir, "child.pid"))));
    }

    [Fact]
    public void A_cancelled_evaluation_kills_the_program_and_its_children()
    {
        var fitness = Program(Hangs);
        using var stop = new CancellationTokenSource();
        // Cancelled (as by Ctrl-C) once the program runs.
        var context = Context() with { Log = line => { if (line == "started") stop.Cancel(); } };
        Assert.ThrowsAny<OperationCanceledException>(() => fitness.Evaluate(Genome, context, stop.Token));
        AssertGone(int.Parse(File.ReadAllText(Path.Combine(_dir, "child.pid"))));
    }

    [Fact]
    public void The_final_evaluation_is_asked_with_its_epochs_and_a_program_may_decline_it()
    {
        var fitness = Program("""
            import json, sys
            r = json.load(sys.stdin)
            if r["final"]["epochs"] == 0: print(json.dumps({"unsupported": "final"}))
            else: print(json.dumps({"result": {"accuracy": r["final"]["epochs"] / 10}}))
            """);
        Assert.Null(fitness.EvaluateOnTestSet(Genome, 0, Context(), null, CancellationToken.None));
        Assert.Equal(0.7, fitness.EvaluateOnTestSet(Genome, 7, Context(), null, CancellationToken.None)!.Accuracy);
    }

    FitnessResult AtRung(ExecFitness fitness, int epochs, string? checkpoint) =>
        fitness.EvaluateUpTo(Genome, epochs, checkpoint, Context(), CancellationToken.None);

    [Fact]
    public void A_rung_tells_the_program_its_epochs_and_checkpoint_folder_and_its_progress_lines_are_the_curve()
    {
        var fitness = Program("""
            import json, os, sys
            r = json.load(sys.stdin)
            rung, env = r["rung"], os.environ
            if rung is None:
                assert env["ACTOREVOLVE_RUNG_EPOCHS"] == "" and env["ACTOREVOLVE_CHECKPOINT"] == "", env
            else:
                assert env["ACTOREVOLVE_RUNG_EPOCHS"] == str(rung["epochs"]), env
                assert env["ACTOREVOLVE_CHECKPOINT"] == rung.get("checkpoint", ""), env
                folder = rung.get("checkpoint")
                assert folder is None or os.path.isabs(folder) and os.path.isdir(folder), folder
            for epoch in range(1, (rung or {"epochs": 1})["epochs"] + 1):
                print(json.dumps({"epoch": epoch, "accuracy": epoch / 10, "loss": 1 / epoch}))
            print(json.dumps({"result": {"accuracy": 0.9, "loss": 0.25}}))
            """);
        var relative = Path.GetRelativePath(Environment.CurrentDirectory, Path.Combine(_dir, "checkpoints", "g1"));

        var result = AtRung(fitness, 2, relative);

        Assert.False(result.Failed, result.FailureReason);
        Assert.Equal([new EpochScore(0.1, 1), new EpochScore(0.2, 0.5)], result.Curve);
        Assert.False(result.StoppedBefore(2));
        Assert.True(AtRung(fitness, 3, null).Curve is { Count: 3 });
        Assert.Null(fitness.Evaluate(Genome, Context(), CancellationToken.None).Curve); // no rung: as before
    }

    /// <summary>Trains on from the epoch in its checkpoint file, printing only the epochs it trains, the second
    /// without a loss.</summary>
    const string Continues = """
        import json, os, sys
        rung = json.load(sys.stdin)["rung"]
        path = os.path.join(rung.get("checkpoint", "."), "epoch.txt")
        start = int(open(path).read()) if "checkpoint" in rung and os.path.exists(path) else 0
        for epoch in range(start + 1, rung["epochs"] + 1):
            line = {"epoch": epoch, "accuracy": epoch / 10}
            if epoch != 2: line["loss"] = 1 / epoch
            print(json.dumps(line))
        if "checkpoint" in rung: open(path, "w").write(str(rung["epochs"]))
        print(json.dumps({"result": {"accuracy": rung["epochs"] / 10}}))
        """;

    [Fact]
    public void A_program_continuing_from_its_checkpoint_may_print_only_the_epochs_it_trains()
    {
        var fitness = Program(Continues);
        var checkpoint = Path.Combine(_dir, "g1");
        AtRung(fitness, 1, checkpoint);

        var continued = AtRung(fitness, 3, checkpoint);

        Assert.False(continued.Failed, continued.FailureReason);
        Assert.Equal([new EpochScore(0.1, 1), new EpochScore(0.2, double.NaN), new EpochScore(0.3, 1 / 3.0)],
            continued.Curve);
        Assert.Equal(continued.Curve, AtRung(fitness, 3, null).Curve); // from scratch: the same curve
    }

    [Fact]
    public void A_program_that_prints_no_progress_lines_is_never_taken_to_have_stopped_early()
    {
        var result = AtRung(Program("""print('{"result": {"accuracy": 0.5}}')"""), 3, Path.Combine(_dir, "g1"));
        Assert.Null(result.Curve);
        Assert.False(result.StoppedBefore(3));
    }

    [Theory]
    [InlineData("[1, 2, 3]", "", "trained past the rung's 2 epochs (a progress line for epoch 3)")]
    [InlineData("[1, 3]", "", "progress lines went from epoch 1 to epoch 3: epochs are counted one by one")]
    [InlineData("[1, 1]", "", "progress lines went from epoch 1 to epoch 1")]
    [InlineData("[2]", "", "progress lines start at epoch 2, but epochs up to 0 are all that were reported before")]
    [InlineData("[0.5]", "", "progress line with epoch 0.5: epochs are whole numbers from 1")]
    [InlineData("[1]", ", epochs=4", "trained past the rung's 2 epochs (the result line says 4)")]
    public void A_program_that_trains_past_its_rung_or_counts_epochs_wrongly_fails_in_one_line(string epochs,
        string resultEpochs, string reason)
    {
        var fitness = Program($$"""
            import json
            for epoch in {{epochs}}: print(json.dumps({"epoch": epoch, "accuracy": 0.5}))
            print(json.dumps({"result": dict(accuracy=0.5{{resultEpochs}})}))
            """);
        var failure = Assert.Throws<EvaluationException>(() => AtRung(fitness, 2, null));
        Assert.StartsWith(reason, failure.Message);
        Assert.DoesNotContain('\n', failure.Message);
    }

    [Fact]
    public void A_rung_past_the_nodes_own_max_epochs_fails_the_attempt()
    {
        var fitness = new ExecFitness(Program(Continues).Settings with { MaxEpochs = 2 }, Space);
        Assert.Equal(2, fitness.MaxEpochs);
        Assert.Equal("a rung of 3 epochs is past this node's exec.max-epochs (2)",
            Assert.Throws<EvaluationException>(() => AtRung(fitness, 3, null)).Message);
    }

    /// <summary>A killed process is gone, or a zombie waiting for init to reap it, within moments: SIGKILL is
    /// delivered asynchronously, so this polls (like TestKit's AwaitAssert) instead of looking once.</summary>
    static void AssertGone(int pid)
    {
        var stat = $"/proc/{pid}/stat";
        bool Gone() => !File.Exists(stat) || File.ReadAllText(stat).Split(' ')[2] == "Z";
        Assert.True(SpinWait.SpinUntil(Gone, TimeSpan.FromSeconds(10)), $"process {pid} still runs");
    }
}
