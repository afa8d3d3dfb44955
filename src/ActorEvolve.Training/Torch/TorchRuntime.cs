using ActorEvolve.Build;
using TorchSharp;

namespace ActorEvolve.Training.Torch;

/// <summary>Process-wide TorchSharp set-up: done once, before the first tensor.</summary>
public static class TorchRuntime
{
    static readonly Lock Gate = new();
    static bool _initialized;

    /// <param name="intraOpThreads">Threads per training. One per trainer slot is fastest on small CPUs:
    /// two 1-thread slots train nearly twice as much as one 2-thread slot.</param>
    public static void Initialize(int intraOpThreads = 1)
    {
        lock (Gate)
        {
            if (_initialized) return;
            MakeNativesLoadable();
            torch.set_num_threads(intraOpThreads);
            _initialized = true;
        }
    }

    /// <summary>"cpu", "cuda", or "auto" (CUDA when this TorchSharp build and the machine have it).</summary>
    public static torch.Device ResolveDevice(string device)
    {
        Initialize();
        return device.ToLowerInvariant() switch
        {
            "cpu" => torch.CPU,
            "cuda" when torch.cuda.is_available() => torch.CUDA,
            "cuda" => throw new ArgumentException(
                "device 'cuda' was asked for but CUDA is not available to TorchSharp here"),
            "auto" => torch.cuda.is_available() ? torch.CUDA : torch.CPU,
            _ => throw new ArgumentException($"unknown device '{device}' (use cpu, cuda or auto)"),
        };
    }

    /// <summary>The build patches the natives it copies; this also covers copies made after the build
    /// (TorchSharp copies natives under cpu/ on first use when loading from runtimes/ fails).</summary>
    static void MakeNativesLoadable()
    {
        if (OperatingSystem.IsWindows()
            || !ElfWeakVersionPatcher.SystemLacksVersion(ElfWeakVersionPatcher.MissingVersion)) return;
        foreach (var lib in Directory.EnumerateFiles(AppContext.BaseDirectory, "libLibTorchSharp.so",
                     SearchOption.AllDirectories))
            ElfWeakVersionPatcher.MarkVersionWeak(lib, ElfWeakVersionPatcher.MissingVersion);
    }
}
