using ActorEvolve.Engine.Protocol;

namespace ActorEvolve.Cli.Console;

/// <summary>One line per event, no colours or cursor movement: for logs, CI and pipes.</summary>
public static class PlainLines
{
    /// <param name="model">The run as seen so far, <paramref name="e"/> applied (a rung run's tallies).</param>
    public static string? Format(RunEvent e, ProgressModel model)
    {
        var objective = model.Objective;
        return e switch
        {
            RunResumed r => $"resumed in {r.Step} {r.Generation + 1}: {Recovered(r, model)} recovered from the " +
                            "journal, none will be repeated",
            GenerationStarted { Step: RunStep.Round } g => $"round {g.Generation + 1}/{g.Generations}: births " +
                $"{g.Generation * g.ToTrain + 1}-{g.Generation * g.ToTrain + model.ToTrain} (steady state, " +
                $"population {g.ToTrain})",
            GenerationStarted g =>
                $"generation {g.Generation + 1}/{g.Generations}: {g.ToTrain} to train, {g.Cached} cached",
            RungTrained t =>
                $"  rung {t.Rung}    {t.Genome.Key}  {Score(t.Result, objective)}  epochs {t.FromEpochs}-{t.Epochs}" +
                $"{(t.Stopped ? " (stopped)" : "")}  {t.Result.Seconds:F1}s  on {t.Result.Trainer}",
            // A steady-state rung run's result is its trial's, already on the rung line.
            EvaluationRecorded { Result.Rung: not null } when model.Step == RunStep.Round => null,
            EvaluationRecorded r when r.Result.Failed =>
                $"  failed    {r.Genome.Key}  ({r.Result.FailureReason})",
            EvaluationRecorded r =>
                $"  evaluated {r.Genome.Key}  {objective.Scores(r.Result)}  " +
                $"epochs {r.Result.Epochs}  {r.Result.Seconds:F1}s  on {r.Result.Trainer}" +
                (r.Result.Partial ? $"  partial (stopped at rung {r.Result.Rung})" : ""),
            GenerationCompleted c =>
                $"{c.Step} {c.Summary.Generation + 1} done: best {objective.Format(c.Summary.Best)}  " +
                $"mean {objective.Format(c.Summary.Mean)}  worst {objective.Format(c.Summary.Worst)}" +
                Rungs(model, c.Summary.Generation) + Front(model),
            FinalEvaluationStarted f => $"retraining the winner {f.Winner.Genome.Key} on all training data",
            _ => null,
        };
    }

    /// <summary>"12 evaluations"; a steady-state rung run's "17 rung trials of 12 births", each trial a result.
    /// </summary>
    static string Recovered(RunResumed r, ProgressModel model) => model.SteadyRungs
        ? $"{r.Facts.Count} rung trials of {model.TotalTrained} births" : $"{r.Facts.Count} evaluations";

    static string Score(Core.Fitness.FitnessResult result, ObjectiveText objective) => result.Failed
        ? $"failed ({result.FailureReason})" : objective.Scores(result);

    /// <summary>A two-objective run: "  Pareto front 4 networks" (of every evaluation so far).</summary>
    static string Front(ProgressModel model) =>
        model.Front is { } front ? $"  Pareto front {FinalReport.Networks(front.Count)}" : "";

    /// <summary>A rung run's generation: "  rungs reached 20/6/2, 30 of 180 epochs trained, ...".</summary>
    static string Rungs(ProgressModel model, int generation) =>
        model.RungTallies.Generations.Where(g => g.Generation == generation).Select(g =>
            $"  rungs reached {string.Join("/", g.Tally.Reached)}, {RungText.Saving(g.Tally)}").FirstOrDefault() ?? "";

    public static string Format(TrainerNodesChanged e) =>
        e.Nodes.Count == 0 ? "trainer nodes: none (waiting for one to join)"
            : "trainer nodes: " + string.Join(", ", e.Nodes.Select(n => $"{n.Node} ({n.Slots} slots)"));
}
