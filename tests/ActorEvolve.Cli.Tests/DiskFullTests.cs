using System.Diagnostics;

namespace ActorEvolve.Cli.Tests;

/// <summary>A disk that fills up mid-run, made real: the state directory on a 4 MB tmpfs (so it needs root), filled
/// to the last byte after the second generation. The run stops as after Ctrl-C, in one line; once there is room
/// again, resume finishes it exactly as a run that never stopped.</summary>
public sealed class DiskFullTests : IDisposable
{
    readonly CliProcess _cli = new();
    readonly string _disk;

    public DiskFullTests() => _disk = Path.Combine(_cli.WorkDir, "disk");

    public void Dispose()
    {
        if (Directory.Exists(_disk)) Mount("umount", _disk);
        _cli.Dispose();
    }

    static bool Mount(params string[] args)
    {
        var start = new ProcessStartInfo(args[0]) { RedirectStandardError = true };
        foreach (var arg in args[1..]) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        process.WaitForExit();
        return process.ExitCode == 0;
    }

    static string[] Evaluations(string run) => File.ReadAllLines(Path.Combine(run, "results.csv")).Skip(1)
        .Select(r => string.Join(",", r.Split(',').Take(6))).Order().ToArray();

    [SkippableFact]
    public void A_full_disk_stops_the_run_in_one_line_and_resume_finishes_it_as_if_nothing_happened()
    {
        Directory.CreateDirectory(_disk);
        Skip.IfNot(Environment.UserName == "root" && Mount("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", _disk),
            "needs root to mount a small tmpfs");
        string[] search = ["search", "--fitness", $"table:{_cli.SeedGrid()}", "--config",
            _cli.Write("slow.conf", "actorevolve.table-delay = 20ms"), "--generations", "30", "--run-id", "full"];

        using var run = _cli.Start([.. search, "--state-dir", Path.Combine(_disk, "runs")]);
        CliProcess.ReadUntil(run, l => l.StartsWith("generation 2 done"), 1);
        using (var filler = File.Create(Path.Combine(_disk, "filler")))
        {
            var block = new byte[64 * 1024];
            Assert.Throws<IOException>(() =>
            {
                for (var written = 0L; written <= 4 << 20; written += block.Length) filler.Write(block);
                filler.Flush();
            });
        }
        var (stdout, stderr) = (run.StandardOutput.ReadToEndAsync(), run.StandardError.ReadToEndAsync());
        Assert.True(run.WaitForExit(TimeSpan.FromMinutes(2)), "the run did not stop");

        Assert.Equal(2, run.ExitCode);
        var line = Assert.Single(stderr.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("actorevolve: error: stopped: ", line);
        Assert.EndsWith("Continue with: actorevolve resume full", line);
        Assert.DoesNotContain("Exception", stdout.Result);

        File.Delete(Path.Combine(_disk, "filler"));
        var resumed = _cli.Run("resume", "full", "--state-dir", Path.Combine(_disk, "runs"), "--quiet");
        Assert.True(resumed.ExitCode == 0, resumed.Stderr);
        var reference = _cli.Run([.. search, "--quiet"]);
        Assert.True(reference.ExitCode == 0, reference.Stderr);
        Assert.Equal(Evaluations(Path.Combine(_cli.WorkDir, "runs", "full")),
            Evaluations(Path.Combine(_disk, "runs", "full")));
    }
}
