using ActorEvolve.Core.Fitness;
using ActorEvolve.Core.Genes;
using ActorEvolve.Training.Data;
using ActorEvolve.Training.Tables;
using CsCheck;

namespace ActorEvolve.Training.Tests;

/// <summary>The fitness table: read through CsvHelper and checked whole before a run starts.</summary>
public sealed class TableFitnessTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("actorevolve-table-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    static readonly SearchSpace Space = new([
        new ChoiceGene("activation", ["relu", "tanh"]),
        new IntRangeGene("nb_layers", 1, 2),
    ]);

    const string Header = "activation,nb_layers,fitness,validation_loss,test_accuracy,status";

    /// <summary>A table covering <see cref="Space"/>, with <paramref name="lastRow"/> as its fourth genome.</summary>
    static string Table(string lastRow = "tanh,2,0.7,0.4,0.69,ok", string header = Header) =>
        $"{header}\nrelu,1,0.8,0.3,0.79,ok\nrelu,2,0.85,0.25,,ok\ntanh,1,0,NaN,,failed\n{lastRow}\n";

    string Write(string content)
    {
        var path = Path.Combine(_dir, $"{Guid.NewGuid():N}.csv");
        File.WriteAllText(path, content);
        return path;
    }

    static FitnessResult Score(TableFitness table, string activation, int layers) =>
        table.Evaluate(new Genome(new Dictionary<string, string>
        {
            ["activation"] = activation, ["nb_layers"] = layers.ToString(),
        }), new EvaluationContext(1, "t"), CancellationToken.None);

    [Fact]
    public void A_complete_table_scores_every_genome_as_recorded()
    {
        var table = new TableFitness(Write(Table()), Space, TimeSpan.Zero);
        Assert.Equal(4, table.Count);
        Assert.Equal(0.8, Score(table, "relu", 1).Accuracy);
        Assert.Equal(0.79, Score(table, "relu", 1).TestAccuracy);
        Assert.Null(Score(table, "relu", 2).TestAccuracy);
        Assert.Equal("failed when the table was recorded", Score(table, "tanh", 1).FailureReason);
        Assert.Equal(0.4, Score(table, "tanh", 2).ValidationLoss);
    }

    [Fact]
    public void Further_columns_of_numbers_are_metrics_and_other_columns_are_notes()
    {
        // A failed genome's row need not have numbers.
        var text = $"{Header},parameters,note,accuracy\nrelu,1,0.8,0.3,0.79,ok,1e3,x,0.5\n" +
                   "relu,2,0.85,0.25,,ok,2000,y,0.5\ntanh,1,0,NaN,,failed,,,\ntanh,2,0.7,0.4,0.69,ok,3000,x,0.5\n";
        var table = new TableFitness(Write(text), Space, TimeSpan.Zero);
        Assert.Equal(["accuracy", "parameters"], table.Metrics);
        var scored = Score(table, "relu", 1);
        Assert.Equal(new Dictionary<string, double> { ["parameters"] = 1000 }, scored.Metrics);
        Assert.Equal(0.8, scored.Accuracy); // the fitness column, not the one called accuracy
        // A table without further numbers reports as it always did.
        Assert.Null(Score(new TableFitness(Write(Table()), Space, TimeSpan.Zero), "relu", 1).Metrics);
    }

    [Fact]
    public void Quoted_cells_blank_lines_and_an_identical_repeated_row_are_fine()
    {
        var text = Table() + "\n   \n\"tanh\", 2 ,0.7,0.4,0.69,ok\r\n";
        Assert.Equal(4, new TableFitness(Write(text), Space, TimeSpan.Zero).Count);
    }

    [Theory]
    [InlineData("tanh,2,NaN,0.4,0.69,ok", ":5: column 'fitness': 'NaN' is not an accuracy in [0, 1]")]
    [InlineData("tanh,2,Infinity,0.4,0.69,ok", ":5: column 'fitness': 'Infinity' is not an accuracy")]
    [InlineData("tanh,2,-Infinity,0.4,0.69,ok", ":5: column 'fitness': '-Infinity' is not an accuracy")]
    [InlineData("tanh,2,1.5,0.4,0.69,ok", ":5: column 'fitness': 1.5 is outside [0, 1] (a percentage? write")]
    [InlineData("tanh,2,85.3,0.4,0.69,ok", ":5: column 'fitness': 85.3 is outside [0, 1] (a percentage? " +
                                           "write accuracies as fractions: 0.853)")]
    [InlineData("tanh,2,-0.1,0.4,0.69,ok", ":5: column 'fitness': -0.1 is outside [0, 1]")]
    [InlineData("tanh,2,85%,0.4,0.69,ok", ":5: column 'fitness': '85%' is a percentage")]
    [InlineData("tanh,2,0.7,0.4,120,ok", ":5: column 'test_accuracy': 120 is outside [0, 1]")]
    [InlineData("tanh,2,0.7,Infinity,0.69,ok", ":5: column 'validation_loss': 'Infinity' is not a finite loss")]
    [InlineData("tanh,2,high,0.4,0.69,ok", ":5: column 'fitness': 'high' is not a number")]
    [InlineData("tanh,2,0.7,0.4,0.69,FAILED", ":5: column 'status': 'FAILED' is not a status (ok or failed)")]
    [InlineData("tanh,2,0.7,0.4,0.69", ":5: expected 6 cells (as the header has), found 5")]
    [InlineData("tanh,2,0.7,0.4,0.69,ok,extra", ":5: expected 6 cells (as the header has), found 7")]
    [InlineData("tanh,2,\"0.7,0.4,0.69,ok", ": malformed CSV")]
    [InlineData("relu,1,0.75,0.3,0.79,ok", ":5: genome 'activation=relu;nb_layers=1' is also on line 2 with " +
                                           "other values; which one is right?")]
    [InlineData("relu,7,0.7,0.4,0.69,ok", ": covers 3 of the search space's 4 genomes (missing e.g. " +
                                          "'activation=tanh;nb_layers=2'): record them all")]
    public void A_bad_row_is_refused_in_one_line_naming_file_line_and_column(string lastRow, string expected)
    {
        var path = Write(Table(lastRow));
        var refused = Assert.Throws<DatasetException>(() => new TableFitness(path, Space, TimeSpan.Zero));
        Assert.StartsWith(path, refused.Message);
        Assert.Contains(expected, refused.Message);
        Assert.DoesNotContain('\n', refused.Message);
    }

    [Theory]
    [InlineData("", ": empty fitness table (no header row)")]
    [InlineData("\n\n", ": empty fitness table (no header row)")]
    [InlineData(Header + "\n", ": the fitness table has no rows")]
    [InlineData("activation,fitness\nrelu,0.5\n", ": no column 'nb_layers' (a gene of the search space)")]
    [InlineData("activation,nb_layers,score\nrelu,1,0.5\n", ": no column 'fitness' (the score of each genome)")]
    [InlineData("activation,nb_layers,,fitness\nrelu,1,,0.5\n", ":1: column 3 has no name")]
    [InlineData("activation,nb_layers,fitness,fitness\nrelu,1,0.5,0.5\n", ":1: column 'fitness' appears twice")]
    [InlineData("activation;nb_layers;fitness\nrelu;1;0.5\n", ": no column 'activation'")]
    public void A_bad_table_is_refused_in_one_line(string text, string expected)
    {
        var path = Write(text);
        var refused = Assert.Throws<DatasetException>(() => new TableFitness(path, Space, TimeSpan.Zero));
        Assert.Equal(path + expected, refused.Message[..(path.Length + expected.Length)]);
    }

    /// <summary>A table covering <see cref="Space"/> with learning-curve columns, empty but for the last genome's.
    /// </summary>
    static string CurveTable(string lastCurves) =>
        $"{Header},accuracy_curve,loss_curve\nrelu,1,0.8,0.3,0.79,ok,,\nrelu,2,0.85,0.25,,ok,,\n" +
        $"tanh,1,0,NaN,,failed,,\ntanh,2,0.7,0.4,0.69,ok,{lastCurves}\n";

    [Fact]
    public void A_recorded_learning_curve_comes_with_the_result()
    {
        var table = new TableFitness(Write(CurveTable("\"[0.6,0.7]\",\"[0.5,0.4]\"")), Space, TimeSpan.Zero);
        Assert.Equal([new EpochScore(0.6, 0.5), new EpochScore(0.7, 0.4)], Score(table, "tanh", 2).Curve);
        Assert.Null(Score(table, "relu", 1).Curve);
    }

    [Theory]
    [InlineData("\"[0.6,0.7]\",\"[0.5]\"", ":5: column 'loss_curve': has 1 epochs, accuracy_curve 2")]
    [InlineData("\"[0.6,1.7]\",\"[0.5,0.4]\"", ":5: column 'accuracy_curve': holds a value outside [0, 1]")]
    [InlineData("[],[]", ":5: column 'accuracy_curve': '[]' is not a learning curve")]
    [InlineData("0.6,0.5", ":5: column 'accuracy_curve': '0.6' is not a learning curve")]
    [InlineData("\"[0.6]\",", ":5: column 'loss_curve': '' is not a learning curve")]
    public void A_bad_learning_curve_is_refused_in_one_line(string curveCells, string expected)
    {
        var path = Write(CurveTable(curveCells));
        var refused = Assert.Throws<DatasetException>(() => new TableFitness(path, Space, TimeSpan.Zero));
        Assert.Contains(expected, refused.Message);
        Assert.DoesNotContain('\n', refused.Message);
    }

    /// <summary>Learning curves for every genome that trained: relu 1 recorded with early stopping after epoch 3,
    /// relu 2 trained 4 epochs (worse at epoch 2), tanh 2 stopped after one.</summary>
    const string RungTable = $"{Header},accuracy_curve,loss_curve\n" +
        "relu,1,0.8,0.3,0.79,ok,\"[0.6,0.8,0.7]\",\"[0.5,0.3,0.4]\"\n" +
        "relu,2,0.85,0.25,,ok,\"[0.7,0.65,0.8,0.85]\",\"[0.5,0.6,0.3,0.25]\"\n" +
        "tanh,1,0,NaN,,failed,,\ntanh,2,0.7,0.4,0.69,ok,\"[0.7]\",\"[0.4]\"\n";

    static FitnessResult AtRung(TableFitness table, string activation, int layers, int epochs,
        string? checkpoint = null) =>
        table.EvaluateUpTo(new Genome(new Dictionary<string, string>
        {
            ["activation"] = activation, ["nb_layers"] = layers.ToString(),
        }), epochs, checkpoint, new EvaluationContext(1, "t"), CancellationToken.None);

    [Fact]
    public void A_rung_is_the_learning_curve_cut_at_its_budget()
    {
        var table = new TableFitness(Write(RungTable), Space, TimeSpan.Zero);
        Assert.Equal(4, table.MaxEpochs);
        var second = AtRung(table, "relu", 2, 2);
        Assert.Equal((0.7, 0.5, 1, 2), (second.Accuracy, second.ValidationLoss, second.Epochs, second.Curve!.Count));
        Assert.False(second.StoppedBefore(2));
        var full = AtRung(table, "relu", 2, 4);
        Assert.Equal((0.85, 0.25, 4), (full.Accuracy, full.ValidationLoss, full.Epochs));
        // Recorded with early stopping after epoch 3: a budget of 4 stops short, as the recorded training did, and
        // the whole recorded training brings its test accuracy; a shorter cut does not.
        var stopped = AtRung(table, "relu", 1, 4);
        Assert.Equal((0.8, 2, 0.79), (stopped.Accuracy, stopped.Epochs, stopped.TestAccuracy));
        Assert.True(stopped.StoppedBefore(4));
        Assert.Null(AtRung(table, "relu", 1, 2).TestAccuracy);
        Assert.Equal("failed when the table was recorded", AtRung(table, "tanh", 1, 1).FailureReason);
    }

    [Fact]
    public void Table_patience_replays_early_stopping_on_the_curve()
    {
        var table = new TableFitness(Write(RungTable), Space, TimeSpan.Zero, patience: 1);
        // relu 2 does not improve in epoch 2: with patience 1 its training ends there, at every budget above.
        var result = AtRung(table, "relu", 2, 4);
        Assert.Equal((0.7, 2), (result.Accuracy, result.Curve!.Count));
        Assert.True(result.StoppedBefore(3));
        Assert.Equal(0.85, AtRung(new TableFitness(Write(RungTable), Space, TimeSpan.Zero), "relu", 2, 4).Accuracy);
    }

    [Fact]
    public void A_rung_waits_its_share_of_the_delay_from_its_checkpoint_and_leaves_one_where_the_mlp_would()
    {
        var table = new TableFitness(Write(RungTable), Space, TimeSpan.FromMilliseconds(200));
        var checkpoint = Path.Combine(_dir, "relu-2");
        Assert.Equal(0.1, AtRung(table, "relu", 2, 2, checkpoint).Seconds, 9);
        Assert.True(Directory.Exists(checkpoint));
        Assert.Equal(0.1, AtRung(table, "relu", 2, 4, checkpoint).Seconds, 9); // epochs 3 and 4 only
        Assert.Equal(0.2, AtRung(table, "relu", 2, 4).Seconds, 9);
        // Nothing is left at the full budget, nor for a training that stopped short.
        var full = Path.Combine(_dir, "full");
        AtRung(table, "relu", 2, 4, full);
        var stopped = Path.Combine(_dir, "stopped");
        AtRung(table, "tanh", 2, 2, stopped);
        Assert.False(Directory.Exists(full) || Directory.Exists(stopped));
    }

    [Fact]
    public void A_table_without_a_curve_for_every_genome_cannot_train_in_rungs()
    {
        var partial = new TableFitness(Write(CurveTable("\"[0.6,0.7]\",\"[0.5,0.4]\"")), Space, TimeSpan.Zero);
        Assert.Equal(0, partial.MaxEpochs);
        Assert.Contains(":2: genome 'activation=relu;nb_layers=1' has no learning curve", partial.WithoutCurves);
        var refused = Assert.Throws<EvaluationException>(() => AtRung(partial, "tanh", 2, 1));
        Assert.StartsWith("rungs need learning curves: ", refused.Message);
        Assert.EndsWith(
            ": no learning curves (columns accuracy_curve and loss_curve, as actorevolve brute records them)",
            new TableFitness(Write(Table()), Space, TimeSpan.Zero).WithoutCurves);
    }

    [Fact]
    public void A_missing_file_and_a_float_space_are_refused_in_one_line()
    {
        var missing = Path.Combine(_dir, "nope.csv");
        Assert.Equal($"{missing}: fitness table not found",
            Assert.Throws<DatasetException>(() => new TableFitness(missing, Space, TimeSpan.Zero)).Message);
        var floats = new SearchSpace([new FloatRangeGene("learning_rate", 0.001, 0.1, log: true)]);
        var path = Write("learning_rate,fitness\n0.01,0.5\n");
        Assert.Contains("scores only a finite search space",
            Assert.Throws<DatasetException>(() => new TableFitness(path, floats, TimeSpan.Zero)).Message);
    }

    /// <summary>Tables that are mostly well formed, so the checks past the parser are reached too.</summary>
    static readonly Gen<string> NearlyGoodTable = Gen.Select(Gen.OneOf(Header, "activation,nb_layers,fitness"),
        Gen.Select(Gen.OneOf("relu", "tanh", "sigmoid", "\"relu\""), Gen.OneOf("1", "2", "3"),
            Gen.OneOf("0.5", "0.9", "NaN", "85", "x", ""), Gen.OneOf(",0.1,0.2,ok", ",0.1,,failed", "", ",1,1"),
            (a, l, f, rest) => $"{a},{l},{f}{rest}").Array[0, 8],
        (header, rows) => string.Join("\n", [header, .. rows]));

    [Fact]
    public void Any_input_yields_a_table_or_one_line_DatasetException_never_another_exception() =>
        CsvProperty.Holds(Gen.OneOf(CsvProperty.Text("activation", "nb_layers", "fitness", "validation_loss",
            "test_accuracy", "status", "relu", "tanh", "1", "2", "0.5", "ok", "failed"), NearlyGoodTable), _dir, path =>
        {
            var table = new TableFitness(path, Space, TimeSpan.Zero);
            Assert.True(table.Count >= 4); // the whole space, and maybe genomes outside it
        });
}
