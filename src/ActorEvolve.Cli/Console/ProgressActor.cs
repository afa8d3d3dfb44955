using Akka.Actor;
using ActorEvolve.Engine.Protocol;

namespace ActorEvolve.Cli.Console;

/// <summary>Feeds run events and per-epoch trainer progress into the live view's model, and, when output is not
/// a terminal, prints one plain line per event instead.</summary>
public sealed class ProgressActor : ReceiveActor
{
    public ProgressActor(ProgressModel model, TextWriter? plain)
    {
        Receive<RunEvent>(e =>
        {
            model.Apply(e);
            if (plain is not null && PlainLines.Format(e, model) is { } line) plain.WriteLine(line);
        });
        Receive<TrainingProgress>(model.Apply);
        Receive<TrainerNodesChanged>(e =>
        {
            model.Apply(e);
            plain?.WriteLine(PlainLines.Format(e));
        });
    }

    protected override void PreStart()
    {
        Context.System.EventStream.Subscribe(Self, typeof(TrainingProgress));
        Context.System.EventStream.Subscribe(Self, typeof(TrainerNodesChanged));
    }

    public static Props Props(ProgressModel model, TextWriter? plain) =>
        Akka.Actor.Props.Create(() => new ProgressActor(model, plain));
}
