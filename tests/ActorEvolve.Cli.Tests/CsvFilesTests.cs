using ActorEvolve.Cli.Report;
using ActorEvolve.Core.Fitness;
using ActorEvolve.Core.Genes;
using ActorEvolve.Engine.Results;
using ActorEvolve.Training.Tables;

namespace ActorEvolve.Cli.Tests;

/// <summary>The run folder's CSV files, written by the engine and read back by fitness tables and the report.</summary>
public sealed class CsvFilesTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("actorevolve-csv-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    static readonly SearchSpace Space = new([
        new ChoiceGene("activation", ["relu", "a,b", "say \"hi\"", " padded ", "two\nlines"]),
        new IntRangeGene("nb_layers", 1, 2),
    ]);

    static FitnessResult Score(Genome genome, int index) =>
        new(0.5 + index / 100.0, 0.25, 3, 1.5, "127.0.0.1:1/c1", TestAccuracy: 0.4 + index / 100.0);

    [Fact]
    public void Values_that_need_quoting_written_to_grid_csv_read_back_through_a_fitness_table()
    {
        var genomes = Space.Enumerate().ToArray();
        var files = new RunFiles(_dir);
        files.WriteGrid(Space, genomes.Select((g, i) => new ScoredGenome(g, Score(g, i))));

        var table = new TableFitness(files.Grid, Space, TimeSpan.Zero);
        Assert.Equal(genomes.Length, table.Count);
        for (var i = 0; i < genomes.Length; i++)
        {
            var read = table.Evaluate(genomes[i], new EvaluationContext(1, "t"), CancellationToken.None);
            Assert.False(read.Failed, read.FailureReason);
            Assert.Equal(Score(genomes[i], i).Accuracy, read.Accuracy, 6);
            Assert.Equal(Score(genomes[i], i).TestAccuracy!.Value, read.TestAccuracy!.Value, 6);
        }
    }

    [Fact]
    public void Results_rows_of_plain_values_are_written_as_before_and_others_are_quoted()
    {
        var genome = new Genome(new Dictionary<string, string> { ["activation"] = "relu", ["nb_layers"] = "2" });
        var finished = DateTimeOffset.Parse("2026-11-27T13:00:00+00:00");
        var ok = Score(genome, 0) with { FinishedAt = finished };
        Assert.Equal("generation,activation,nb_layers,fitness,validation_loss,test_accuracy,epochs,seconds,trainer," +
                     "status,failure,finished_at,metrics\n", CsvRecords.Format(RunFiles.Header(Space)));
        Assert.Equal("0,relu,2,0.5,0.25,0.4,3,1.5,127.0.0.1:1/c1,ok,,2026-11-27T13:00:00.0000000+00:00,\n",
            CsvRecords.Format(RunFiles.Row(Space, 0, genome, ok)));
        var measured = ok with { Metrics = new Dictionary<string, double> { ["accuracy"] = 0.5, ["latency_ms"] = 3 } };
        Assert.EndsWith(",\"{\"\"accuracy\"\":0.5,\"\"latency_ms\"\":3}\"\n",
            CsvRecords.Format(RunFiles.Row(Space, 0, genome, measured)));

        var failed = FitnessResult.Failure("diverged, \"badly\"\nat epoch 2", "n/c2") with { FinishedAt = finished };
        Assert.Equal("1,relu,2,0,NaN,,0,0,n/c2,failed,\"diverged, \"\"badly\"\"\nat epoch 2\"," +
                     "2026-11-27T13:00:00.0000000+00:00,\n", CsvRecords.Format(RunFiles.Row(Space, 1, genome, failed)));
    }

    [Fact]
    public void The_report_reads_results_csv_with_quoted_values()
    {
        var files = new RunFiles(_dir);
        var odd = new Genome(new Dictionary<string, string> { ["activation"] = "a,b", ["nb_layers"] = "1" });
        var failure = FitnessResult.Failure("out of memory, twice\nsecond line", "n/c1");
        CsvRecords.WriteAll(files.Results,
            [RunFiles.Header(Space), RunFiles.Row(Space, 0, odd, Score(odd, 3)), RunFiles.Row(Space, 1, odd, failure)]);

        var report = RunReport.Load(files);
        Assert.Equal(["activation", "nb_layers"], report.GeneNames);
        Assert.Equal(2, report.Evaluations.Count);
        Assert.Equal("a,b", report.Evaluations[0].Genes["activation"]);
        Assert.Equal(0.53, report.Evaluations[0].Fitness, 6);
        Assert.True(report.Evaluations[1].Failed);
        Assert.Equal(1, report.Evaluations[1].Generation);
    }
}
