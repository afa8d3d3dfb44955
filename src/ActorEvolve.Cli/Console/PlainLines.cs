using ActorEvolve.Engine.Protocol;

namespace ActorEvolve.Cli.Console;

/// <summary>One line per event, no colours or cursor movement: for logs, CI and pipes.</summary>
public static class PlainLines
{
    public static string? Format(RunEvent e, ObjectiveText objective) => e switch
    {
        RunResumed r => $"resumed in {r.Step} {r.Generation + 1}: {r.Facts.Count} evaluations recovered from the " +
                        "journal, none will be repeated",
        GenerationStarted { Step: RunStep.Round } g => $"round {g.Generation + 1}/{g.Generations}: births " +
            $"{g.Generation * g.ToTrain + 1}-{(g.Generation + 1) * g.ToTrain} (steady state, population {g.ToTrain})",
        GenerationStarted g =>
            $"generation {g.Generation + 1}/{g.Generations}: {g.ToTrain} to train, {g.Cached} cached",
        EvaluationRecorded r when r.Result.Failed =>
            $"  failed    {r.Genome.Key}  ({r.Result.FailureReason})",
        EvaluationRecorded r =>
            $"  evaluated {r.Genome.Key}  {objective.Name} {objective.Format(r.Result.Accuracy)}  " +
            $"epochs {r.Result.Epochs}  {r.Result.Seconds:F1}s  on {r.Result.Trainer}",
        GenerationCompleted c =>
            $"{c.Step} {c.Summary.Generation + 1} done: best {objective.Format(c.Summary.Best)}  " +
            $"mean {objective.Format(c.Summary.Mean)}  worst {objective.Format(c.Summary.Worst)}",
        FinalEvaluationStarted f => $"retraining the winner {f.Winner.Genome.Key} on all training data",
        _ => null,
    };

    public static string Format(TrainerNodesChanged e) =>
        e.Nodes.Count == 0 ? "trainer nodes: none (waiting for one to join)"
            : "trainer nodes: " + string.Join(", ", e.Nodes.Select(n => $"{n.Node} ({n.Slots} slots)"));
}
