using ActorEvolve.Cli.Console;
using ActorEvolve.Core.Evolution;
using ActorEvolve.Core.Fitness;
using ActorEvolve.Core.Genes;
using ActorEvolve.Engine.Protocol;
using Spectre.Console;

namespace ActorEvolve.Cli.Tests;

public sealed class LiveViewTests
{
    internal static string Rendered(ProgressModel model)
    {
        var output = new StringWriter();
        PlainConsole(output).Write(LiveView.Render(model));
        return output.ToString();
    }

    /// <summary>A console 160 characters wide writing plain text (no colours, no cursor moves) to
    /// <paramref name="output"/>.</summary>
    internal static IAnsiConsole PlainConsole(StringWriter output)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors,
        });
        console.Profile.Width = 160;
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
}
