using System.Globalization;
using System.Text.Json;
using ActorEvolve.Cli.Composition;
using ActorEvolve.Engine.Configuration;
using ActorEvolve.Tests.Shared;

namespace ActorEvolve.Cli.Tests;

/// <summary>Datasets beyond Fashion-MNIST, through the real CLI: a user's CSV table and CIFAR-10.</summary>
public sealed class DatasetTests : IDisposable
{
    readonly CliProcess _cli = new();

    public void Dispose() => _cli.Dispose();

    /// <summary>Two gaussian blobs in three dimensions, 160 rows each, classes "left" and "right".</summary>
    string Blobs()
    {
        var random = new Random(11);
        double Normal() =>
            Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        var rows = Enumerable.Range(0, 320).Select(i =>
        {
            var (centre, label) = i % 2 == 0 ? (-2.0, "left") : (2.0, "right");
            var cells = Enumerable.Range(0, 3).Select(_ => (100 + 10 * (centre + Normal())).ToString("0.###",
                CultureInfo.InvariantCulture));
            return $"{string.Join(",", cells)},{label}";
        });
        return _cli.Write("blobs.csv", string.Join("\n", ["a,b,c,side", .. rows]));
    }

    string Budget(string name, int train, int validation) => _cli.Write($"{name}.conf", $$"""
        actorevolve.training.budgets.{{name}} { train-samples = {{train}}, validation-samples = {{validation}}
          max-epochs = 3, patience = 2, batch-size = 16, dropout = 0.2 }
        actorevolve.training.budget = {{name}}
        actorevolve.engine.trainer-slots = 2
        """);

    [Fact]
    public void A_search_on_a_csv_table_learns_it_and_records_its_results()
    {
        string[] search = ["search", "--dataset", "csv:blobs.csv", "--target", "side", "--population", "4",
            "--generations", "2", "--seed", "3", "--run-id", "blobs", "--config", Budget("blobs", 176, 80)];
        var missing = _cli.Run(search);
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("blobs.csv: data table not found", Assert.Single(missing.StderrLines));
        Assert.False(Directory.Exists(Path.Combine(_cli.WorkDir, "runs")));

        Blobs(); // 256 rows to train on (176 + 80 for validation), 64 held out for the test
        var result = _cli.Run(search);
        Assert.True(result.ExitCode == 0, result.Stderr + result.Stdout);

        var run = Path.Combine(_cli.WorkDir, "runs", "blobs");
        var rows = File.ReadAllLines(Path.Combine(run, "results.csv"));
        Assert.StartsWith("generation,activation,nb_layers,nb_neurons,optimizer,fitness,validation_loss", rows[0]);
        Assert.InRange(rows.Length - 1, 3, 8);
        var cells = rows.Skip(1).Select(r => r.Split(',')).ToArray();
        Assert.All(cells, c => Assert.Equal("ok", c[11]));
        var fitness = cells.Select(c => double.Parse(c[5], CultureInfo.InvariantCulture)).ToArray();
        Assert.True(fitness.Max() >= 0.95, $"best validation accuracy {fitness.Max()}"); // separable: near perfect

        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "summary.json")));
        var root = summary.RootElement;
        Assert.Equal("completed", root.GetProperty("status").GetString());
        var config = root.GetProperty("config");
        Assert.Equal($"csv:{Path.Combine(_cli.WorkDir, "blobs.csv")}", config.GetProperty("dataset").GetString());
        Assert.Equal((3, 2), (config.GetProperty("features").GetInt32(), config.GetProperty("classes").GetInt32()));
        Assert.InRange(root.GetProperty("test_accuracy").GetDouble(), 0.95, 1.0); // 64 held-out rows
    }

    [Theory]
    [InlineData("a,b,side\n1,2,x\n3,zero,y\n", "side", "bad.csv:3: column 'b': 'zero' is not a number")]
    [InlineData("a,b,side\n1,2,x\n3,4,y\n", "colour", "bad.csv: no column 'colour'")]
    [InlineData("a,b,side\n1,2,x\n3,4,x\n", "side", "bad.csv: column 'side' has one class only ('x')")]
    [InlineData("a,b,side\n1,2,x\n3,4\n", "side", "bad.csv:3: expected 3 cells (as the header has), found 2")]
    [InlineData("", "side", "bad.csv: empty data table (no header row)")]
    public void A_bad_csv_table_is_one_line_and_writes_nothing(string table, string target, string expected)
    {
        _cli.Write("bad.csv", table);
        var result = _cli.Run("search", "--dataset", "csv:bad.csv", "--target", target);
        Assert.Equal(2, result.ExitCode);
        var line = Assert.Single(result.StderrLines);
        Assert.StartsWith("actorevolve: error: ", line);
        Assert.Contains(expected, line);
        Assert.False(Directory.Exists(Path.Combine(_cli.WorkDir, "runs")));
    }

    [Theory]
    [InlineData("csv:", "", "no file named for the data table")]
    [InlineData("csv:nope.csv", "side", "nope.csv: data table not found")]
    [InlineData("fashion-mnist", "side", "--target and --test-data are for --dataset csv:FILE, not 'fashion-mnist'")]
    [InlineData("cifar-10", "", "unknown dataset 'cifar-10' (use fashion-mnist, mnist, cifar10 or csv:FILE)")]
    public void A_bad_dataset_flag_is_one_line(string dataset, string target, string expected)
    {
        string[] args = target == "" ? ["--dataset", dataset] : ["--dataset", dataset, "--target", target];
        var result = _cli.Run(["search", .. args]);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(expected, Assert.Single(result.StderrLines));
        Assert.False(Directory.Exists(Path.Combine(_cli.WorkDir, "runs")));
    }

    [Fact]
    public void A_search_on_cifar10_files_given_with_data_trains_the_mlp_on_3072_features()
    {
        var data = CifarFiles.WriteAll(Path.Combine(_cli.WorkDir, "cifar"), images: 30);
        var result = _cli.Run("search", "--dataset", "cifar10", "--data", data, "--population", "2",
            "--generations", "1", "--run-id", "cifar", "--config", Budget("cifar", 100, 50));
        Assert.True(result.ExitCode == 0, result.Stderr + result.Stdout);
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(_cli.WorkDir, "runs", "cifar",
            "summary.json")));
        var config = summary.RootElement.GetProperty("config");
        Assert.Equal("cifar10", config.GetProperty("dataset").GetString());
        Assert.Equal((3072, 10), (config.GetProperty("features").GetInt32(), config.GetProperty("classes").GetInt32()));
        Assert.True(summary.RootElement.TryGetProperty("test_accuracy", out var test) && test.GetDouble() >= 0);

        File.WriteAllBytes(Path.Combine(data, "test_batch.bin"), new byte[3073 * 2 + 7]);
        var truncated = _cli.Run("search", "--dataset", "cifar10", "--data", data, "--config",
            Budget("cifar", 100, 50));
        Assert.Equal(2, truncated.ExitCode);
        Assert.Contains($"{Path.Combine(data, "test_batch.bin")}: 6,153 bytes is not a whole number of 3,073-byte",
            Assert.Single(truncated.StderrLines));
    }

    [Fact]
    public void Cifar10_without_its_files_or_network_tells_to_pass_them_with_data()
    {
        _cli.Environment["XDG_DATA_HOME"] = Path.Combine(_cli.WorkDir, "user-data"); // an empty user cache
        var closed = _cli.Write("closed.conf", "actorevolve.dataset.cifar10-mirror = \"http://127.0.0.1:9\"");
        var result = _cli.Run("search", "--dataset", "cifar10", "--config", closed);
        Assert.Equal(2, result.ExitCode);
        var line = Assert.Single(result.StderrLines);
        Assert.Contains("cifar10 not found locally and downloading http://127.0.0.1:9/cifar-10-binary.tar.gz failed",
            line);
        Assert.EndsWith("pass --data DIR with the CIFAR-10 binary files (data_batch_1.bin .. data_batch_5.bin, " +
                        "test_batch.bin)", line);
    }

    [Theory]
    [InlineData("quick", 10_000, 5_000)]
    [InlineData("grid", 3_000, 3_000)]
    [InlineData("full", 40_000, 10_000)]
    public void The_built_in_budgets_fit_cifar10s_50000_training_images(string budget, int train, int validation)
    {
        var config = HoconLoader.Load(userFile: null, ["actorevolve.dataset.name = cifar10",
            $"actorevolve.training.budget = {budget}"]);
        var sizes = TrainingConfig.From(config).Budget;
        Assert.Equal((train, validation), (sizes.TrainSamples, sizes.ValidationSamples));
        Assert.True(train + validation <= 50_000);

        var fashion = TrainingConfig.From(HoconLoader.Load(userFile: null,
            [$"actorevolve.training.budget = {budget}"])).Budget;
        Assert.Equal(budget == "full" ? 50_000 : train, fashion.TrainSamples); // Fashion-MNIST's are unchanged
    }
}
