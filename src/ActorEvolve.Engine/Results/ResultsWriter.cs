using Akka.Actor;
using ActorEvolve.Core.Fitness;
using ActorEvolve.Engine.Actors;

namespace ActorEvolve.Engine.Results;

/// <summary>Listens to a run and keeps its folder current: a results.csv row per evaluation as it finishes,
/// summary.json after every generation (status "running") and at the end ("completed"). The run counts as
/// complete (<paramref name="completion"/>) only once its results are on disk.</summary>
public sealed class ResultsWriter : ReceiveActor
{
    readonly RunFiles _files;
    readonly RunSettings _settings;
    readonly IReadOnlyDictionary<string, object> _config;
    readonly DateTimeOffset _started = DateTimeOffset.UtcNow;
    readonly List<GenerationReport> _generations = [];
    int _evaluations;

    public ResultsWriter(RunFiles files, RunSettings settings, IReadOnlyDictionary<string, object> config,
        TaskCompletionSource<RunCompleted> completion)
    {
        _files = files;
        _settings = settings;
        _config = config;
        Directory.CreateDirectory(files.Directory);
        File.WriteAllText(files.Results, RunFiles.Header(settings.Space) + "\n");

        Receive<EvaluationRecorded>(e =>
        {
            File.AppendAllText(_files.Results, RunFiles.Row(_settings.Space, e.Generation, e.Genome, e.Result) + "\n");
            _evaluations++;
        });
        Receive<GenerationCompleted>(e =>
        {
            var s = e.Summary;
            _generations.Add(new GenerationReport(s.Generation, s.Best, s.Mean, s.Worst, s.Trained, s.Cached, s.Failed));
            Write("running", e.Ranked[0], null, null, e.Ranked);
        });
        Receive<RunCompleted>(e =>
        {
            Write("completed", e.Winner, e.Test, DateTimeOffset.UtcNow, e.Top);
            completion.TrySetResult(e);
        });
        Receive<RunEvent>(_ => { });
    }

    public static Props Props(RunFiles files, RunSettings settings, IReadOnlyDictionary<string, object> config,
        TaskCompletionSource<RunCompleted> completion) =>
        Akka.Actor.Props.Create(() => new ResultsWriter(files, settings, config, completion));

    void Write(string status, ScoredGenome best, FitnessResult? test, DateTimeOffset? finished, IEnumerable<ScoredGenome> top)
    {
        var model = test is { Failed: false } && _settings.ModelPath is { } path && File.Exists(path) ? Path.GetFileName(path) : null;
        _files.WriteSummary(new RunSummary(_settings.RunId, status, _settings.Seed, _started, finished,
            ((finished ?? DateTimeOffset.UtcNow) - _started).TotalSeconds, _config,
            _settings.Space.Genes.Select(g => g.Describe()).ToArray(), _evaluations, Report(best),
            test is { Failed: false } ? test.Accuracy : null, test is { Failed: false } ? test.ValidationLoss : null, model,
            _generations, top.DistinctBy(t => t.Genome.Key).Take(10).Select(Report).ToArray()));
    }

    static GenomeReport Report(ScoredGenome s) =>
        new(s.Genome.Genes, s.Fitness.Accuracy, s.Fitness.ValidationLoss, s.Fitness.Epochs, s.Fitness.Seconds, s.Fitness.Trainer);
}
