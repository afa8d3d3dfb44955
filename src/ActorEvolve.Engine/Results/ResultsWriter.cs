using Akka.Actor;
using ActorEvolve.Core.Evolution;
using ActorEvolve.Core.Fitness;
using ActorEvolve.Engine.Actors;

namespace ActorEvolve.Engine.Results;

/// <summary>Listens to a run and keeps its folder current: a results.csv row per evaluation as it finishes,
/// summary.json after every generation (status "running") and at the end ("completed"). On resume both are
/// rebuilt from the journal, the source of truth. The run counts as complete (<paramref name="completion"/>)
/// only once its results are on disk; an aborted run fails it with <see cref="RunAbortedException"/>.
/// A grid run (brute force) also gets grid.csv, its evaluations as a fitness table.</summary>
public sealed class ResultsWriter : ReceiveActor
{
    readonly RunFiles _files;
    readonly RunSettings _settings;
    readonly IReadOnlyDictionary<string, object> _config;
    readonly DateTimeOffset _started;
    readonly List<GenerationReport> _generations = [];
    readonly List<ScoredGenome> _evaluated = [];
    readonly Dictionary<string, double> _slotBusySeconds = [];
    DateTimeOffset? _generationStarted;

    public ResultsWriter(RunFiles files, RunSettings settings, IReadOnlyDictionary<string, object> config,
        TaskCompletionSource<RunCompleted> completion)
    {
        _files = files;
        _settings = settings;
        _config = config;
        Directory.CreateDirectory(files.Directory);
        _started = files.ReadSummary()?.Started ?? DateTimeOffset.UtcNow; // a resumed run keeps its start time

        Receive<GenerationStarted>(e =>
        {
            _generationStarted = e.At;
            _slotBusySeconds.Clear();
            if (!File.Exists(_files.Results)) CsvRecords.WriteAll(_files.Results, [RunFiles.Header(_settings.Space)]);
            if (!File.Exists(_files.Summary)) Write("running", null, null, null, []);
        });
        Receive<RunResumed>(e =>
        {
            var rows = e.Facts.Select(f => RunFiles.Row(_settings.Space, f.Generation, f.Genome, f.Result));
            CsvRecords.WriteAll(_files.Results, [RunFiles.Header(_settings.Space), .. rows]);
            _evaluated.AddRange(e.Facts.Select(f => new ScoredGenome(f.Genome, f.Result)));
            _generations.AddRange(e.History.Select(Report));
        });
        Receive<EvaluationRecorded>(e =>
        {
            CsvRecords.Append(_files.Results, RunFiles.Row(_settings.Space, e.Generation, e.Genome, e.Result));
            _evaluated.Add(new ScoredGenome(e.Genome, e.Result));
            _slotBusySeconds[e.Result.Trainer] = _slotBusySeconds.GetValueOrDefault(e.Result.Trainer) + e.Result.Seconds;
        });
        Receive<GenerationCompleted>(e =>
        {
            var wall = (e.At - _generationStarted)?.TotalSeconds;
            _generations.Add(Report(e.Summary) with
            {
                WallSeconds = wall, EngineOverheadSeconds = wall - _slotBusySeconds.Values.DefaultIfEmpty(0).Max(),
            });
            Write("running", e.Ranked[0], null, null, e.Ranked);
        });
        Receive<RunCompleted>(e =>
        {
            if (_settings.Ga.Initial == InitialPopulation.Grid) _files.WriteGrid(_settings.Space, _evaluated);
            Write("completed", e.Winner, e.Test, DateTimeOffset.UtcNow, e.Top);
            completion.TrySetResult(e);
        });
        Receive<RunAborted>(e => completion.TrySetException(new RunAbortedException(e.Reason, e.BadInput)));
        Receive<RunEvent>(_ => { });
    }

    public static Props Props(RunFiles files, RunSettings settings, IReadOnlyDictionary<string, object> config,
        TaskCompletionSource<RunCompleted> completion) =>
        Akka.Actor.Props.Create(() => new ResultsWriter(files, settings, config, completion));

    void Write(string status, ScoredGenome? best, FitnessResult? test, DateTimeOffset? finished, IEnumerable<ScoredGenome> top)
    {
        var model = test is { Failed: false } && _settings.ModelPath is { } path && File.Exists(path) ? Path.GetFileName(path) : null;
        _files.WriteSummary(new RunSummary(_settings.RunId, status, _settings.Seed, _started, finished,
            ((finished ?? DateTimeOffset.UtcNow) - _started).TotalSeconds, _config,
            _settings.Space.Genes.Select(g => g.Describe()).ToArray(), _evaluated.Count, best is null ? null : Report(best),
            test is { Failed: false } ? test.Accuracy : null, test is { Failed: false } ? test.ValidationLoss : null, model,
            _generations, top.DistinctBy(t => t.Genome.Key).Take(10).Select(Report).ToArray()));
    }

    static GenerationReport Report(GenerationSummary s) =>
        new(s.Generation, s.Best, s.Mean, s.Worst, s.Trained, s.Cached, s.Failed);

    static GenomeReport Report(ScoredGenome s) =>
        new(s.Genome.Genes, s.Fitness.Accuracy, s.Fitness.ValidationLoss, s.Fitness.Epochs, s.Fitness.Seconds,
            s.Fitness.Trainer, s.Fitness.Metrics);
}

/// <summary>The run stopped without completing; <see cref="BadInput"/> when nothing was written.</summary>
public sealed class RunAbortedException(string message, bool badInput) : Exception(message)
{
    public bool BadInput { get; } = badInput;
}
