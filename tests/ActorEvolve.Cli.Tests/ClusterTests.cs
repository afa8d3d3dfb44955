using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ActorEvolve.Cli.Tests;

/// <summary>The cluster as users run it: a coordinator process and trainer processes on loopback TCP, killed with
/// SIGKILL, on a recorded grid with a delay per evaluation standing in for training.</summary>
public sealed class ClusterTests : IDisposable
{
    readonly CliProcess _cli = new();

    public void Dispose() => _cli.Dispose();

    string Grid => Path.Combine(_cli.WorkDir, "grid.csv");

    string[] Search(string runId, params string[] extra) =>
    [
        "search", "--fitness", $"table:{Grid}", "--population", "10", "--generations", "4", "--seed", "3",
        "--run-id", runId, .. extra,
    ];

    Process Trainer(int port, string config = "delay.conf", params string[] extra)
    {
        var trainer = _cli.Start(["trainer", "--join", $"127.0.0.1:{port}", "--slots", "1", "--fitness",
            $"table:{Grid}", "--config", Path.Combine(_cli.WorkDir, config), .. extra]);
        return trainer;
    }

    /// <summary>The same search on one node, on the recorded grid with a delay per evaluation (delay.conf).</summary>
    CliProcess.Result RunReference()
    {
        _cli.SeedGrid();
        _cli.Write("delay.conf", "actorevolve.table-delay = 300ms");
        var reference = _cli.Run(Search("reference"));
        Assert.True(reference.ExitCode == 0, reference.Stderr);
        return reference;
    }

    /// <summary>A coordinator that trains nothing itself, on loopback, ready for trainers to join.</summary>
    (Process Coordinator, int Port) StartCoordinator(string runId, params string[] extra) =>
        _cli.StartCoordinator(Search(runId, ["--local-trainers", "0", .. extra]));

    static string[] Evaluations(string run) =>
        File.ReadAllLines(Path.Combine(run, "results.csv")).Skip(1).Select(r => string.Join(",", r.Split(',').Take(6)))
            .Order().ToArray();

    static string Trainers(string run) => string.Join(" ",
        File.ReadAllLines(Path.Combine(run, "results.csv")).Skip(1).Select(r => r.Split(',')[10]).Distinct());

    /// <summary>Reads the rest of the coordinator's run and checks it ended well, with the evaluations of the same
    /// search on one node: nothing missing, nothing twice, the same winner's path.</summary>
    void AssertMatchesReference(Process coordinator, List<string> seen)
    {
        seen.AddRange(CliProcess.ReadUntil(coordinator, _ => false, 1));
        Assert.True(coordinator.WaitForExit(TimeSpan.FromMinutes(3)), "the coordinator did not finish");
        Assert.True(coordinator.ExitCode == 0, string.Join("\n", seen) + coordinator.StandardError.ReadToEnd());
        Assert.Equal(Evaluations(Path.Combine(_cli.WorkDir, "runs", "reference")),
            Evaluations(Path.Combine(_cli.WorkDir, "runs", "cluster")));
    }

    /// <summary>The coordinator's line listing <paramref name="count"/> lendable trainer nodes of one slot each.
    /// </summary>
    static bool Nodes(string line, int count) =>
        line.StartsWith("trainer nodes: ") && line.Split("(1 slots)").Length == count + 1;

    static void Signal(Process process, string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", process.Id.ToString()]);
        kill.WaitForExit();
    }

    [Fact]
    public void A_trainer_killed_mid_generation_loses_nothing_and_the_run_matches_a_single_node_run()
    {
        var reference = RunReference();
        var (coordinator, port) = StartCoordinator("cluster", "--config", Path.Combine(_cli.WorkDir, "delay.conf"));
        var (victim, survivor) = (Trainer(port), Trainer(port));

        // Both trainers take work, then one dies with SIGKILL in the middle of its evaluation. (Counted from when
        // both are up: on a loaded machine one trainer process can start seconds after the other.)
        var seen = CliProcess.ReadUntil(coordinator, l => Nodes(l, 2), 1);
        seen.AddRange(CliProcess.ReadUntil(coordinator, l => l.StartsWith("  evaluated"), 6));
        victim.Kill(entireProcessTree: true);
        AssertMatchesReference(coordinator, seen);
        Assert.Equal(2, Trainers(Path.Combine(_cli.WorkDir, "runs", "cluster")).Split(' ').Length); // both trained
        Assert.Contains(seen, l => Nodes(l, 2)); // the live cluster state
        Assert.Contains(seen, l => l.StartsWith("Winner: ") && reference.Stdout.Contains(l));
        Assert.False(survivor.HasExited); // the surviving trainer waits for the next search
    }

    /// <summary>A coordinator whose split-brain resolver would down a silent node only after 10 minutes: within a
    /// test, an unreachable node is never downed.</summary>
    (Process Coordinator, int Port) StartPatientCoordinator()
    {
        _cli.Write("patient.conf", """
            actorevolve.table-delay = 300ms
            akka.cluster.split-brain-resolver.stable-after = 10m
            """);
        return StartCoordinator("cluster", "--config", Path.Combine(_cli.WorkDir, "patient.conf"));
    }

    [Fact]
    public void A_genome_on_a_trainer_that_stops_answering_is_trained_elsewhere_before_the_node_is_downed()
    {
        RunReference();
        // The stopped node is never downed and its training never ends: the run can only finish by training that
        // genome elsewhere while its node is merely unreachable.
        _cli.Write("stuck.conf", "actorevolve.table-delay = 10m");
        var (coordinator, port) = StartPatientCoordinator();
        // The stuck node comes first: it is lent a genome of generation 0 at once, which it holds from then on.
        var stuck = Trainer(port, "stuck.conf");
        var seen = CliProcess.ReadUntil(coordinator, l => Nodes(l, 1), 1);
        Trainer(port);
        seen.AddRange(CliProcess.ReadUntil(coordinator, l => Nodes(l, 2), 1));
        Signal(stuck, "STOP");

        AssertMatchesReference(coordinator, seen);
        Assert.Single(Trainers(Path.Combine(_cli.WorkDir, "runs", "cluster")).Split(' ')); // none from the stuck node
        Assert.Contains(seen.SkipWhile(l => !Nodes(l, 2)), l => Nodes(l, 1)); // seen unreachable
    }

    [Fact]
    public void A_trainer_unreachable_for_a_while_keeps_its_training_and_its_slot_is_lent_again()
    {
        RunReference();
        var (coordinator, port) = StartPatientCoordinator();
        var trainer = Trainer(port);
        var seen = CliProcess.ReadUntil(coordinator, l => l.StartsWith("  evaluated"), 2);
        Signal(trainer, "STOP");
        seen.AddRange(CliProcess.ReadUntil(coordinator, l => Nodes(l, 0), 1)); // unreachable: nothing to lend
        Signal(trainer, "CONT");

        // No other slot took the genome it held: the run goes on with the node's own answer, and its slot again.
        AssertMatchesReference(coordinator, seen);
        Assert.Contains(seen.SkipWhile(l => !Nodes(l, 0)), l => Nodes(l, 1));
    }

    [Fact]
    public void When_the_coordinator_dies_its_trainer_serves_the_resumed_run_without_a_restart()
    {
        RunReference();
        // A fixed port: the resumed run listens on it again (run.conf keeps --listen).
        var (coordinator, port) = StartCoordinator("cluster", "--listen", $"127.0.0.1:{CliProcess.FreePort()}",
            "--config", Path.Combine(_cli.WorkDir, "delay.conf"));
        var trainer = Trainer(port);
        CliProcess.ReadUntil(coordinator, l => l.StartsWith("  evaluated"), 5);
        coordinator.Kill(entireProcessTree: true); // SIGKILL: the resume case

        // The same address comes back (run.conf keeps --listen); the trainer finds it again by itself.
        var resumed = _cli.Run("resume", "cluster");
        Assert.True(resumed.ExitCode == 0, resumed.Stdout + resumed.Stderr);
        var (expected, actual) =
            (Path.Combine(_cli.WorkDir, "runs", "reference"), Path.Combine(_cli.WorkDir, "runs", "cluster"));
        Assert.Equal(Evaluations(expected), Evaluations(actual));
        Assert.False(trainer.HasExited);
        var joined = CliProcess.ReadUntil(trainer, l => l.StartsWith("Trainer node "), 2);
        Assert.Contains(joined, l => l.StartsWith("Lost the search"));
    }

    /// <summary>A self-signed PKCS#12 certificate with its private key, password "secret".</summary>
    string Certificate(string name)
    {
        using var key = RSA.Create(2048);
        var request =
            new CertificateRequest("CN=actorevolve-test", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate =
            request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        var path = Path.Combine(_cli.WorkDir, name);
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pfx, "secret"));
        return path;
    }

    [Fact]
    public void With_tls_only_a_node_holding_the_search_certificate_can_join()
    {
        _cli.SeedGrid();
        var (certificate, other) = (Certificate("search.pfx"), Certificate("other.pfx"));
        _cli.Write("tls.conf", "actorevolve.tls.password = secret");
        var (coordinator, port) =
            StartCoordinator("tls", "--tls-cert", certificate, "--config", Path.Combine(_cli.WorkDir, "tls.conf"));

        string[] Join(params string[] extra) =>
            ["trainer", "--join", $"127.0.0.1:{port}", "--fitness", $"table:{Grid}", "--join-timeout", "5s", .. extra];
        foreach (var refused in new[] { _cli.Run(Join()),
                     _cli.Run(Join("--tls-cert", other, "--config", Path.Combine(_cli.WorkDir, "tls.conf"))) })
        {
            Assert.Equal(2, refused.ExitCode);
            Assert.Contains("cannot join the search", Assert.Single(refused.StderrLines));
        }

        Trainer(port, "tls.conf", "--tls-cert", certificate);
        Assert.True(coordinator.WaitForExit(TimeSpan.FromMinutes(2)), "the run did not complete over TLS");
        Assert.Equal(0, coordinator.ExitCode);
    }

    [Fact]
    public void A_trainer_stopped_with_a_signal_hands_its_work_back_and_the_run_completes()
    {
        RunReference();
        var (coordinator, port) = StartCoordinator("cluster", "--config", Path.Combine(_cli.WorkDir, "delay.conf"));
        var (leaving, staying) = (Trainer(port), Trainer(port));
        CliProcess.ReadUntil(coordinator, l => l.StartsWith("  evaluated"), 6);
        Signal(leaving, "TERM"); // as Ctrl-C does

        Assert.True(leaving.WaitForExit(TimeSpan.FromSeconds(60)), "the trainer did not stop");
        Assert.Equal(0, leaving.ExitCode);
        AssertMatchesReference(coordinator, []);
    }

    [Fact]
    public void A_trainer_with_a_table_of_learning_curves_joins_a_run_with_auto_rungs()
    {
        File.Copy(Path.Combine(AppContext.BaseDirectory, "grids", "fashion-mnist-curves.csv"), Grid);
        // No table-max-epochs: the full budget is the table's longest learning curve, on either node.
        _cli.Write("rungs.conf", "actorevolve.ga { rungs = auto, reduction = 3 }");
        var (coordinator, port) = StartCoordinator("rungs", "--config", Path.Combine(_cli.WorkDir, "rungs.conf"));
        var trainer = Trainer(port, "rungs.conf");
        Assert.True(coordinator.WaitForExit(TimeSpan.FromMinutes(2)),
            trainer.HasExited ? trainer.StandardError.ReadToEnd() : "the run did not complete with the trainer");
        Assert.Equal(0, coordinator.ExitCode);
        var results = File.ReadAllLines(Path.Combine(_cli.WorkDir, "runs", "rungs", "results.csv"));
        Assert.Contains("rung", results[0].Split(','));
    }

    [Fact]
    public void A_trainer_without_the_dataset_refuses_to_join_in_one_line()
    {
        var result = _cli.Run("trainer", "--join", "127.0.0.1:4053", "--data", Path.Combine(_cli.WorkDir, "nowhere"));
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("nowhere", Assert.Single(result.StderrLines));
    }

    [Fact]
    public void A_trainer_that_cannot_reach_its_coordinator_says_so_in_one_line()
    {
        _cli.SeedGrid();
        var result = _cli.Run("trainer", "--join", $"127.0.0.1:{CliProcess.FreePort()}", "--fitness", $"table:{Grid}",
            "--join-timeout", "3s");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("cannot join the search at 127.0.0.1:", Assert.Single(result.StderrLines));
    }

    [Fact]
    public void A_search_whose_port_is_taken_says_so_in_one_line()
    {
        _cli.SeedGrid();
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var result = _cli.Run(Search("taken", "--listen", $"127.0.0.1:{port}"));
        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"cannot listen on 127.0.0.1:{port}", Assert.Single(result.StderrLines));
        // checked before anything is written
        Assert.False(Directory.Exists(Path.Combine(_cli.WorkDir, "runs", "taken")));
    }
}
