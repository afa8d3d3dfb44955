using System.Runtime.InteropServices;

namespace ActorEvolve.Cli.Composition;

/// <summary>The first Ctrl-C (SIGINT) or SIGTERM cancels <see cref="Token"/> instead of killing the process, so the
/// command can stop gracefully; a second Ctrl-C is not intercepted and ends the process at once.</summary>
public sealed class StopSignal : IDisposable
{
    readonly CancellationTokenSource _stop;
    readonly PosixSignalRegistration _sigint, _sigterm;

    public StopSignal(CancellationToken cancellation)
    {
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        _sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        _sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
    }

    public CancellationToken Token => _stop.Token;

    void Stop(PosixSignalContext signal)
    {
        signal.Cancel = !_stop.IsCancellationRequested;
        _stop.Cancel();
    }

    public void Dispose()
    {
        _sigint.Dispose();
        _sigterm.Dispose();
        _stop.Dispose();
    }
}
