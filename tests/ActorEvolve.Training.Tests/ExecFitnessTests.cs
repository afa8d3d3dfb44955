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

    /// <summary>A killed process is gone, or a zombie waiting for init to reap it, within moments: SIGKILL is
    /// delivered asynchronously, so this polls (like TestKit's AwaitAssert) instead of looking once.</summary>
    static void AssertGone(int pid)
    {
        var stat = $"/proc/{pid}/stat";
        bool Gone() => !File.Exists(stat) || File.ReadAllText(stat).Split(' ')[2] == "Z";
        Assert.True(SpinWait.SpinUntil(Gone, TimeSpan.FromSeconds(10)), $"process {pid} still runs");
    }
}
