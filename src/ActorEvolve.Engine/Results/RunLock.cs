namespace ActorEvolve.Engine.Results;

/// <summary>
/// The run folder's lock (run.lock): held by the one process that writes the run, from before it writes anything
/// until it exits. It is an exclusive lock on an open file (flock on Unix), so the operating system releases it
/// when its holder ends, however it ends: a killed run never leaves a stale "running" behind, and a lock is never
/// mistaken for an unrelated process that got the same PID. The file itself stays; only the lock on it matters.
/// </summary>
public sealed class RunLock : IDisposable
{
    public const string FileName = "run.lock";

    readonly FileStream _file;

    RunLock(FileStream file) => _file = file;

    /// <summary>Takes the lock, or returns null when another process holds it. A few tries a moment apart, so a
    /// command that only looked (<see cref="IsHeld"/>) at the same instant is not mistaken for a writer.</summary>
    public static RunLock? TryAcquire(RunFiles files)
    {
        for (var attempt = 0; ; attempt++)
        {
            if (TryOpen(files, FileMode.OpenOrCreate) is { } file) return new RunLock(file);
            if (attempt == 9) return null;
            Thread.Sleep(100);
        }
    }

    /// <summary>Whether a process holds the run's lock now (it is running the run). Creates nothing.</summary>
    public static bool IsHeld(RunFiles files)
    {
        if (!File.Exists(files.Lock)) return false;
        using var file = TryOpen(files, FileMode.Open);
        return file is null && File.Exists(files.Lock);
    }

    static FileStream? TryOpen(RunFiles files, FileMode mode)
    {
        try
        {
            return new FileStream(files.Lock, mode, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e) when (e.GetType() == typeof(IOException)) // held elsewhere (not: file or folder missing)
        {
            return null;
        }
        catch (FileNotFoundException) when (mode == FileMode.Open)
        {
            return null;
        }
    }

    public void Dispose() => _file.Dispose();
}
