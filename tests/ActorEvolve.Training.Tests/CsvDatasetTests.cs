using ActorEvolve.Training.Data;
using CsCheck;

namespace ActorEvolve.Training.Tests;

/// <summary>A user's CSV table as a dataset: classes, splits, standardisation, and bad tables in one line.</summary>
public sealed class CsvDatasetTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("actorevolve-csvdata-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    static readonly TrainingBudget Budget = new("small", 40, 20, 1, 1, 16, 0.2);

    string Write(string content, string name = "data.csv")
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, content);
        return path;
    }

    /// <summary>Rows where x is the row number, y is 10 x + 5, and the class cycles through 10, 9 and 2.</summary>
    string Table(int rows = 100) => Write("x,y,kind\n" + string.Concat(Enumerable.Range(0, rows)
        .Select(i => $"{i},{10 * i + 5},{new[] { "10", "9", "2" }[i % 3]}\n")));

    [Fact]
    public void Classes_are_the_sorted_distinct_targets_and_the_test_share_is_carved_by_the_split_seed()
    {
        var data = new CsvDataset(Table(), "kind", null, 0.2).Load(Budget, splitSeed: 3);
        Assert.Equal(3, data.Classes);
        Assert.Equal((40, 20, 60, 20, 2), (data.Train.Count, data.Validation.Count, data.FullTrain.Count,
            data.Test.Count, data.Train.FeatureCount));
        // 2 < 9 < 10 as numbers: class 0 is "2", and every third row from row 2 on is of kind 2.
        Assert.All(data.Test.Labels, l => Assert.InRange(l, 0, 2));
        Assert.Contains(0L, data.Train.Labels);

        var again = new CsvDataset(Table(), "kind", null, 0.2).Load(Budget, splitSeed: 3);
        Assert.Equal(data.Test.Features, again.Test.Features);
        var other = new CsvDataset(Table(), "kind", null, 0.2).Load(Budget, splitSeed: 4);
        Assert.NotEqual(data.Test.Features, other.Test.Features);
    }

    [Fact]
    public void Features_are_standardised_with_the_training_samples_alone()
    {
        var data = new CsvDataset(Table(), "kind", null, 0.2).Load(Budget, splitSeed: 3);
        for (var f = 0; f < 2; f++)
        {
            var column = Enumerable.Range(0, data.Train.Count).Select(r => (double)data.Train.Features[r * 2 + f])
                .ToArray();
            Assert.Equal(0, column.Average(), 5);
            Assert.Equal(1, Math.Sqrt(column.Select(v => v * v).Average()), 5);
        }
        var validation = Enumerable.Range(0, data.Validation.Count).Select(r => data.Validation.Features[r * 2]);
        Assert.NotEqual(0, validation.Average(), 3); // scaled like training, not by its own moments
    }

    [Fact]
    public void A_test_file_is_the_test_set_and_must_share_the_columns_and_classes()
    {
        var test = Write("x,y,kind\n1,15,9\n2,25,2\n", "test.csv");
        var data = new CsvDataset(Table(60), "kind", test, 0.2).Load(Budget, splitSeed: 3);
        Assert.Equal((2, 60), (data.Test.Count, data.FullTrain.Count));
        Assert.Equal([1L, 0L], data.Test.Labels);

        var unknown = Write("x,y,kind\n1,15,7\n", "unknown.csv");
        Assert.Equal($"{unknown}:2: column 'kind': class '7' is not in the training data",
            Assert.Throws<DatasetException>(() => new CsvDataset(Table(60), "kind", unknown, 0.2).Load(Budget, 3))
                .Message);
        var other = Write("y,x,kind\n1,15,9\n", "other.csv");
        Assert.Contains("are not those of data.csv",
            Assert.Throws<DatasetException>(() => new CsvDataset(Table(60), "kind", other, 0.2).Load(Budget, 3))
                .Message);
    }

    [Theory]
    [InlineData("x,y,kind\n1,2,a\n3,4,b\n", "colour", ": no column 'colour' (the class column named by --target)")]
    [InlineData("x,y,kind\n1,2,a\n3,oops,b\n", "kind", ":3: column 'y': 'oops' is not a number")]
    [InlineData("x,y,kind\n1,2,a\n3,,b\n", "kind", ":3: column 'y': '' is not a number")]
    [InlineData("x,y,kind\n1,2,a\n3,Infinity,b\n", "kind", ":3: column 'y': 'Infinity' is not a finite number")]
    [InlineData("x,y,kind\n1,2,a\n3,4,a\n", "kind", ": column 'kind' has one class only ('a'): there is nothing")]
    [InlineData("x,y,kind\n1,2,a\n3,4\n", "kind", ":3: expected 3 cells (as the header has), found 2")]
    [InlineData("", "kind", ": empty data table (no header row)")]
    [InlineData("x,y,kind\n", "kind", ": the data table has no rows")]
    [InlineData("kind\na\nb\n", "kind", ": no feature columns besides 'kind'")]
    [InlineData("x,y,kind\n1,2,a\n3,4,b\n", "", ": name the class column with --target COLUMN")]
    public void A_bad_table_is_one_line_naming_row_and_column(string content, string target, string expected)
    {
        var path = Write(content);
        var error = Assert.Throws<DatasetException>(() => new CsvDataset(path, target, null, 0.5).Load(Budget, 1));
        Assert.StartsWith(path + expected, error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void A_budget_larger_than_the_table_is_refused_not_shrunk()
    {
        var path = Table(50);
        var error = Assert.Throws<DatasetException>(() => new CsvDataset(path, "kind", null, 0.2).Load(Budget, 1));
        Assert.Equal($"csv:{path}: budget 'small' asks for 40 training + 20 validation samples, but the training " +
                     "data has 40; use a smaller budget (actorevolve.training.budgets.small.csv can set the sizes " +
                     "for this dataset alone)", error.Message);
        Assert.Contains("cannot give a test share of 0.001",
            Assert.Throws<DatasetException>(() => new CsvDataset(path, "kind", null, 0.001).Load(Budget, 1)).Message);
    }

    /// <summary>Data tables that are mostly well formed, so the checks past the parser are reached too.</summary>
    static readonly Gen<string> NearlyGoodData = Gen.Select(Gen.OneOf("x,y,kind", "x,kind", "kind"),
        Gen.Select(Gen.OneOf("1", "-2.5", "1e3", "NaN", "x", ""), Gen.OneOf("a", "b", "\"b\"", "c,d"),
            (x, kind) => $"{x},{x},{kind}").Array[0, 12],
        (header, rows) => string.Join("\n", [header, .. rows]));

    [Fact]
    public void Any_input_yields_a_dataset_or_one_line_DatasetException_never_another_exception() =>
        CsvProperty.Holds(Gen.OneOf(CsvProperty.Text("x", "y", "kind", "a", "b", "1", "2.5"), NearlyGoodData), _dir,
            path =>
            {
                var data = new CsvDataset(path, "kind", null, 0.25).Load(Budget with { TrainSamples = 2,
                    ValidationSamples = 1 }, splitSeed: 1);
                Assert.True(data.Classes >= 2);
                Assert.All(data.Train.Features, v => Assert.True(float.IsFinite(v)));
            });
}
