using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using ActorEvolve.Core.Evolution;
using ActorEvolve.Core.Fitness;
using ActorEvolve.Core.Genes;
using ActorEvolve.Engine.Configuration;
using ActorEvolve.Engine.Formats;

namespace ActorEvolve.Engine.Results;

/// <summary>The files of one run folder: results.csv (one row per evaluation, appended as they finish) and
/// summary.json (the outcome). Paths are fixed here so every reader and writer agrees.</summary>
public sealed class RunFiles(string directory)
{
    public const string ResultsFile = "results.csv";
    public const string SummaryFile = "summary.json";
    public const string ModelFile = "winner.model";
    public const string LogFile = "actorevolve.log";
    public const string ConfigFile = "run.conf";
    public const string GridFile = "grid.csv";

    public string Directory { get; } = directory;
    public string Results => Path.Combine(Directory, ResultsFile);
    public string Summary => Path.Combine(Directory, SummaryFile);
    public string Model => Path.Combine(Directory, ModelFile);
    public string Log => Path.Combine(Directory, LogFile);
    /// <summary>The settings the run was started with, on top of the defaults: what <c>resume</c> reads.</summary>
    public string Config => Path.Combine(Directory, ConfigFile);
    /// <summary>Locked while a process runs the run (<see cref="RunLock"/>).</summary>
    public string Lock => Path.Combine(Directory, RunLock.FileName);
    /// <summary>A grid run's evaluations as a fitness table (<c>--fitness table:</c>, <c>bench replay</c>).</summary>
    public string Grid => Path.Combine(Directory, GridFile);

    /// <summary>Run <paramref name="runId"/>'s folder on a node whose state folder is <paramref name="stateDirectory"/>
    /// (a trainer saves a winner's model and keeps rung checkpoints there); null when the node has no state folder or
    /// the id, as it came over the wire, is not a plain folder name.</summary>
    public static RunFiles? OnNode(string? stateDirectory, string runId) =>
        stateDirectory is not null && IsRunId(runId) ? new RunFiles(Path.Combine(stateDirectory, runId)) : null;

    /// <summary>This run's rung checkpoints on this node.</summary>
    public RunCheckpoints Checkpoints => new(Directory);

    /// <summary>Whether <paramref name="id"/> can name a run: a plain folder name, nothing that leads elsewhere.
    /// </summary>
    public static bool IsRunId(string id) =>
        id is not ("" or "." or "..") && id.IndexOfAny(Path.GetInvalidFileNameChars()) < 0 && !id.Contains('\\');

    /// <summary>Writes run.conf beside and renames: a kill leaves no run.conf or a whole one, never an empty one that
    /// would resume with the defaults.</summary>
    public async Task WriteConfigAsync(string text, CancellationToken cancellation = default)
    {
        await File.WriteAllTextAsync(Config + ".tmp", text, cancellation);
        File.Move(Config + ".tmp", Config, overwrite: true);
    }

    /// <summary>The run as the engine runs it: its id (the folder's name), the settings and its run.conf.</summary>
    public RunSettings Settings(EngineSettings engine) =>
        engine.For(Path.GetFileName(Directory), Model, File.ReadAllText(Config));

    /// <param name="rungs">A rung run's file also has <c>rung</c> (the highest rung the genome reached, 0 the first)
    /// and <c>partial</c> (<c>true</c>: stopped short of full training by selection); other runs' files are as
    /// they always were.</param>
    public static string[] Header(SearchSpace space, bool rungs = false) =>
        ["generation", .. space.Genes.Select(g => g.Name), "fitness", "validation_loss", "test_accuracy", "epochs",
            "seconds", "trainer", "status", "failure", "finished_at", "metrics",
            .. rungs ? ["rung", "partial"] : Array.Empty<string>()];

    public static string[] Row(SearchSpace space, int generation, Genome genome, FitnessResult r, bool rungs = false) =>
        [generation.ToString(CultureInfo.InvariantCulture), .. space.Genes.Select(g => genome.Get(g.Name)),
            F(r.Accuracy), F(r.ValidationLoss), r.TestAccuracy is { } test ? F(test) : "",
            r.Epochs.ToString(CultureInfo.InvariantCulture), F(r.Seconds), r.Trainer, r.Failed ? "failed" : "ok",
            r.FailureReason ?? "", r.FinishedAt?.ToString("O", CultureInfo.InvariantCulture) ?? "", Metrics(r),
            .. rungs ? [r.Rung?.ToString(CultureInfo.InvariantCulture) ?? "", r.Partial ? "true" : "false"]
                : Array.Empty<string>()];

    /// <summary>Every metric the fitness source reported, as one JSON object (sources report different ones).</summary>
    static string Metrics(FitnessResult r) =>
        r.Metrics is { Count: > 0 } metrics ? JsonSerializer.Serialize(metrics, JsonFormat.Compact) : "";

    /// <summary>Writes every evaluation, best first, in the fitness-table format: gene columns, <c>fitness</c>,
    /// <c>validation_loss</c>, <c>test_accuracy</c>, <c>epochs</c>, <c>seconds</c>, <c>status</c>, and the learning
    /// curve where the fitness measured one: <c>accuracy_curve</c> and <c>loss_curve</c>, JSON arrays by epoch.
    /// </summary>
    public void WriteGrid(SearchSpace space, IEnumerable<ScoredGenome> evaluated)
    {
        string[] header = [.. space.Genes.Select(g => g.Name), "fitness", "validation_loss", "test_accuracy", "epochs",
            "seconds", "status", "accuracy_curve", "loss_curve"];
        var rows = Evolver.Rank(evaluated).Select(s => (IReadOnlyList<string>)
        [
            .. space.Genes.Select(g => s.Genome.Get(g.Name)), F(s.Fitness.Accuracy), F(s.Fitness.ValidationLoss),
            s.Fitness.TestAccuracy is { } test ? F(test) : "", s.Fitness.Epochs.ToString(CultureInfo.InvariantCulture),
            F(s.Fitness.Seconds), s.Fitness.Failed ? "failed" : "ok",
            CurveCell(s.Fitness.Curve, e => e.Accuracy), CurveCell(s.Fitness.Curve, e => e.Loss),
        ]);
        CsvRecords.WriteAll(Grid, [header, .. rows]);
    }

    static string CurveCell(IReadOnlyList<EpochScore>? curve, Func<EpochScore, double> value) =>
        curve is { Count: > 0 } ? JsonSerializer.Serialize(curve.Select(e => Math.Round(value(e), 6))) : "";

    static string F(double v) => v.ToString("0.######", CultureInfo.InvariantCulture);

    /// <summary>Writes beside and renames, so a crash never leaves a half-written summary.</summary>
    public void WriteSummary(RunSummary summary)
    {
        var temp = Summary + ".tmp";
        // UTF-8 without a byte-order mark
        File.WriteAllText(temp, JsonSerializer.Serialize(summary, JsonFormat.Indented));
        File.Move(temp, Summary, overwrite: true);
    }

    /// <summary>When the run started: as its summary says, else when its run.conf was written.</summary>
    public DateTimeOffset StartedAt()
    {
        try
        {
            if (ReadSummary() is { } summary) return summary.Started;
        }
        catch (Exception e) when (e is JsonException or IOException)
        {
            // a damaged summary is rewritten from the journal; the start time is then the best we know
        }
        return File.Exists(Config) ? File.GetLastWriteTimeUtc(Config) : DateTimeOffset.UtcNow;
    }

    public RunSummary? ReadSummary() =>
        File.Exists(Summary)
            ? JsonSerializer.Deserialize<RunSummary>(File.ReadAllText(Summary), JsonFormat.Indented)
            : null;
}

/// <param name="ValidationAccuracy">The objective's value (validation accuracy unless the run says otherwise).</param>
/// <param name="Metrics">Everything the fitness source reported for this genome.</param>
public sealed record GenomeReport(IReadOnlyDictionary<string, string> Genes, double ValidationAccuracy,
    double ValidationLoss,
    int Epochs, double Seconds, string Trainer, IReadOnlyDictionary<string, double>? Metrics = null)
{
    /// <summary>A tested front member's test score (only the front's entries carry one).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? TestAccuracy { get; init; }

    /// <summary>A rung run's genome: the highest rung it reached (0 the first).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Rung { get; init; }

    /// <summary>Stopped short of full training by selection: ranked below every fully trained genome.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool Partial { get; init; }
}

/// <param name="WallSeconds">From the generation's start to its completion, when it ran in one process.</param>
/// <param name="EngineOverheadSeconds">Wall time minus the busiest trainer slot's training time: what the engine
/// (messages, journal, scheduling) added to the generation.</param>
public sealed record GenerationReport(int Generation, double Best, double Mean, double Worst, int Trained,
    int Cached, int Failed,
    double? WallSeconds = null, double? EngineOverheadSeconds = null)
{
    /// <summary>A rung run's generation: how far its children got, what stopping them early saved.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public RungTally? Rungs { get; init; }

    /// <summary>A steady-state round: its population's age when it started, as this process saw it start (rounds
    /// rebuilt from the journal on resume have none).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public PopulationAge? PopulationAge { get; init; }
}

/// <summary>A steady-state population's ages, in births since each member's own (the newest is 0); regularized
/// evolution removes the oldest.</summary>
public sealed record PopulationAge(int Youngest, int Median, int Oldest)
{
    /// <summary>Null for no ages (a generation).</summary>
    public static PopulationAge? Of(IReadOnlyList<int>? ages) => ages is { Count: > 0 }
        ? new PopulationAge(ages.Min(), ages.Order().ElementAt(ages.Count / 2), ages.Max()) : null;

    /// <summary>"youngest 0, median 3, oldest 7".</summary>
    public override string ToString() => $"youngest {Youngest}, median {Median}, oldest {Oldest}";
}

/// <summary>summary.json's <c>config</c>: the engine's settings, typed, and what the fitness source adds (the
/// built-in MLP: its budget, dataset, device and split seed), kept as JSON beside them.</summary>
public sealed record SummarySettings(GaSettings Ga, string Fitness, int LocalTrainerSlots, string Journal,
    Objective? Objective)
{
    /// <summary>Inputs per example and classes, when the fitness source knows its data (the report's model size).
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Features { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Classes { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement> FitnessSettings { get; init; } = [];
}

public sealed record RunSummary(
    string RunId, string Status, long Seed, DateTimeOffset Started, DateTimeOffset? Finished, double WallSeconds,
    SummarySettings Config, IReadOnlyList<string> SearchSpace, int Evaluations,
    GenomeReport? Best, double? TestAccuracy, double? TestLoss, string? Model,
    IReadOnlyList<GenerationReport> Generations, IReadOnlyList<GenomeReport> Top)
{
    /// <summary>A two-objective run's Pareto front so far, most accurate (first objective) first; its tested members
    /// carry their test score once the run is over. Absent for one objective.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<GenomeReport>? Front { get; init; }

    /// <summary>A rung run's rungs and their tally over every child so far; absent without rungs.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public RungsReport? Rungs { get; init; }
}
