using ActorEvolve.Cli.Console;
using ActorEvolve.Core.Evolution;
using ActorEvolve.Core.Fitness;
using ActorEvolve.Core.Genes;
using ActorEvolve.Engine.Protocol;
using Spectre.Console;

namespace ActorEvolve.Cli.Tests;

public sealed class LiveViewTests
{
    internal static string Rendered(ProgressModel model, int width = 160)
    {
        var output = new StringWriter();
        PlainConsole(output, width).Write(LiveView.Render(model));
        return output.ToString();
    }

    /// <summary>A console <paramref name="width"/> characters wide writing plain text (no colours, no cursor moves)
    /// to <paramref name="output"/>.</summary>
    internal static IAnsiConsole PlainConsole(StringWriter output, int width = 160)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors,
        });
        console.Profile.Width = width;
        return console;
    }

    [Theory]
    [InlineData(RunStep.Generation, "Generation 2/5", "This generation:", "gen 1")]
    [InlineData(RunStep.Round, "Round 2/5", "This round:", "round 1")]
    public void The_live_view_names_a_runs_steps_as_its_events_do(string step, params string[] shown)
    {
        var model = new ProgressModel(5);
        var genome = Genome.Parse("a=1");
        model.Apply(new GenerationStarted(0, 5, [genome], 1, 0, DateTimeOffset.UtcNow, step));
        model.Apply(new EvaluationRecorded(0, genome, new FitnessResult(0.8, 0.5, 1, 1, "n/c1")));
        var summary = new GenerationSummary(0, 0.8, 0.8, 0.8, genome.Key, 1, 0, 0);
        model.Apply(new GenerationCompleted(summary, [], DateTimeOffset.UtcNow, step));
        model.Apply(new GenerationStarted(1, 5, [genome], 1, 0, DateTimeOffset.UtcNow, step,
            step == RunStep.Round ? [0] : null));
        var text = Rendered(model);
        Assert.All(shown, expected => Assert.Contains(expected, text));
        Assert.Equal(step == RunStep.Round, text.Contains("Population age"));
    }

    /// <summary>20 births in rounds of 8: the last round holds the 4 left, in the plain lines and the live view.
    /// </summary>
    [Fact]
    public void A_steady_state_run_s_last_round_holds_the_births_left()
    {
        var model = new ProgressModel(3) { Births = 20 };
        var started = new GenerationStarted(2, 3, [Genome.Parse("a=1")], 8, 0, DateTimeOffset.UtcNow, RunStep.Round,
            [0]);
        model.Apply(started);
        Assert.Equal("round 3/3: births 17-20 (steady state, population 8)", PlainLines.Format(started, model));
        Assert.Contains("This round: 0/4 trained", Rendered(model));
    }

    [Fact]
    public void A_steady_state_round_shows_its_populations_ages()
    {
        var model = new ProgressModel(5);
        Genome[] members = [Genome.Parse("a=1"), Genome.Parse("a=2"), Genome.Parse("a=3")];
        model.Apply(new GenerationStarted(1, 5, members, 3, 0, DateTimeOffset.UtcNow, RunStep.Round, [7, 0, 3]));
        Assert.Contains("Population age (births since each member's own): youngest 0, median 3, oldest 7",
            Rendered(model));
        Assert.Equal([7, 0, 3], model.Read(m => m.Population.Select(p => p.Age!.Value).ToArray()));
    }

    [Fact]
    public void A_two_objective_run_shows_both_metrics_and_its_front_so_far_where_one_shows_the_best()
    {
        var objective = new Objective("accuracy", Maximize: true, new Objective("parameters", Maximize: false));
        var model = new ProgressModel(5, new ObjectiveText(objective));
        Genome[] genomes = [Genome.Parse("n=64"), Genome.Parse("n=128"), Genome.Parse("n=512")];
        // n=128 is both less accurate and larger than n=512: it is off the front.
        (double Accuracy, double Parameters)[] scores = [(0.70, 55_050), (0.72, 269_322), (0.80, 200_000)];
        model.Apply(new GenerationStarted(0, 5, genomes, 3, 0, DateTimeOffset.UtcNow));
        var lines = genomes.Zip(scores, (genome, score) =>
        {
            var result = objective.Apply(new FitnessResult(score.Accuracy, 0.5, 1, 1, "n/c1",
                Metrics: new Dictionary<string, double> { ["parameters"] = score.Parameters }));
            var recorded = new EvaluationRecorded(0, genome, result);
            model.Apply(recorded);
            return PlainLines.Format(recorded, model);
        }).ToArray();
        var summary = new GenerationSummary(0, 0.8, 0.74, 0.7, genomes[2].Key, 3, 0, 0);
        var completed = new GenerationCompleted(summary, [], DateTimeOffset.UtcNow);
        model.Apply(completed);

        Assert.Contains("evaluated n=64  accuracy 70.00 %  parameters 55,050  epochs 1", lines[0]);
        Assert.Contains("worst 70.00 %  Pareto front 2 networks", PlainLines.Format(completed, model));
        Assert.Equal(["n=512", "n=64"], model.Read(m => m.Front!.Select(f => f.Genome.Key).ToArray()));
        var text = Rendered(model);
        Assert.Contains("Pareto front so far: 2 networks", text);
        Assert.Matches(@"80\.00 %\s*│\s*200,000\s*│\s*n=512", text);
        Assert.Matches(@"70\.00 %\s*│\s*55,050\s*│\s*n=64", text);
        Assert.DoesNotContain("n=128", text);
        Assert.DoesNotContain("Best so far", text);
    }
}
