using Akka.Actor;
using ActorEvolve.Core.Evolution;
using ActorEvolve.Core.Fitness;
using ActorEvolve.Engine.Protocol;
using ActorEvolve.Engine.Configuration;

namespace ActorEvolve.Engine.Results;

/// <summary>Listens to a run and keeps its folder current (<see cref="RunFolderWriter"/>). The run counts as
/// complete (its <c>completion</c>) only once its results are on disk; an aborted run fails it with
/// <see cref="RunAbortedException"/>.</summary>
public sealed class ResultsWriter : ReceiveActor
{
    public ResultsWriter(RunFiles files, RunSettings settings, SummarySettings config,
        TaskCompletionSource<RunCompleted> completion)
    {
        var folder = new RunFolderWriter(files, settings, config);
        Receive<RunCompleted>(e => Writing(completion, () =>
        {
            folder.Apply(e);
            completion.TrySetResult(e);
        }));
        Receive<RunAborted>(e => completion.TrySetException(new RunAbortedException(e.Reason, e.BadInput)));
        Receive<RunEvent>(e => Writing(completion, () => folder.Apply(e)));
    }

    /// <summary>Writes the run folder. When the disk is full (or the folder is taken away) the run stops, as after
    /// Ctrl-C: the journal holds everything finished, and resume rebuilds the folder from it.</summary>
    void Writing(TaskCompletionSource<RunCompleted> completion, Action write)
    {
        try
        {
            write();
        }
        catch (Exception x) when (x is IOException or UnauthorizedAccessException)
        {
            completion.TrySetException(new RunAbortedException(
                $"cannot write the run folder ({x.Message}); everything finished is journaled", badInput: false));
            Context.Stop(Self);
        }
    }

    public static Props Props(RunFiles files, RunSettings settings, SummarySettings config,
        TaskCompletionSource<RunCompleted> completion) =>
        Akka.Actor.Props.Create(() => new ResultsWriter(files, settings, config, completion));
}

/// <summary>Keeps a run folder derived from the run's events: a results.csv row per evaluation as it finishes,
/// summary.json after every generation (status "running") and at the end ("completed"). On resume both are
/// rebuilt from the journal, the source of truth, so they never miss or repeat a row; <see cref="Repair"/>
/// rebuilds them from the journal alone. A grid run (brute force) also gets grid.csv, its evaluations as a
/// fitness table.</summary>
public sealed class RunFolderWriter
{
    public const string Running = "running", Completed = "completed", Interrupted = "interrupted";

    readonly RunFiles _files;
    readonly RunSettings _settings;
    readonly SummarySettings _config;
    readonly DateTimeOffset _started;
    readonly List<GenerationReport> _generations = [];
    readonly List<RecordedFitness> _recorded = [];
    readonly Dictionary<string, double> _slotBusySeconds = [];
    DateTimeOffset? _generationStarted;
    PopulationAge? _populationAge;

    public RunFolderWriter(RunFiles files, RunSettings settings, SummarySettings config)
    {
        _files = files;
        _settings = settings;
        _config = config;
        Directory.CreateDirectory(files.Directory);
        _started = files.StartedAt(); // a resumed run keeps its start time
    }

    /// <summary>Rewrites results.csv and summary.json (and grid.csv) from what the journal holds of the run.</summary>
    public static void Repair(RunFiles files, RunSettings settings, SummarySettings config,
        Persistence.JournaledRun journaled)
    {
        var folder = new RunFolderWriter(files, settings, config);
        foreach (var e in journaled.Replayed(settings)) folder.Apply(e);
        if (!journaled.IsFinished) folder.Write(Interrupted);
    }

    public void Apply(RunEvent e)
    {
        switch (e)
        {
            case GenerationStarted started:
                _generationStarted = started.At;
                _populationAge = PopulationAge.Of(started.Ages);
                _slotBusySeconds.Clear();
                if (!File.Exists(_files.Results)) CsvRecords.WriteAll(_files.Results, [Header]);
                if (!File.Exists(_files.Summary)) Write(Running);
                break;
            case RunResumed resumed:
                CsvRecords.WriteAll(_files.Results, [Header, .. resumed.Facts.Select(Row)]);
                _recorded.AddRange(resumed.Facts);
                _generations.AddRange(resumed.History.Select(Report));
                Write(Running);
                break;
            case EvaluationRecorded recorded:
                var fact = new RecordedFitness(recorded.Generation, recorded.Genome, recorded.Result);
                CsvRecords.Append(_files.Results, Row(fact));
                _recorded.Add(fact);
                if (recorded.Result.Rung is null) AddBusy(recorded.Result); // a rung run's trials count instead
                break;
            case RungTrained trained:
                AddBusy(trained.Result);
                break;
            case GenerationCompleted completed:
                var wall = (completed.At - _generationStarted)?.TotalSeconds;
                _generations.Add(Report(completed.Summary) with
                {
                    // Steady-state rounds overlap in every slot: no busiest slot bounds a round.
                    WallSeconds = wall, EngineOverheadSeconds = completed.Step == RunStep.Round ? null
                        : wall - _slotBusySeconds.Values.DefaultIfEmpty(0).Max(),
                    PopulationAge = _populationAge,
                });
                Write(Running, completed.Ranked);
                break;
            case RunCompleted done:
                if (_settings.Ga.Initial == InitialPopulation.Grid) _files.WriteGrid(_settings.Space, Evaluated);
                Write(Completed, done.Top, done.Winner, done.Test, DateTimeOffset.UtcNow, done.Front);
                break;
        }
    }

    void AddBusy(FitnessResult result) =>
        _slotBusySeconds[result.Trainer] = _slotBusySeconds.GetValueOrDefault(result.Trainer) + result.Seconds;

    string[] Header => RunFiles.Header(_settings.Space, rungs: _settings.Ga.Rungs is not null);

    IReadOnlyList<string> Row(RecordedFitness f) =>
        RunFiles.Row(_settings.Space, f.Generation, f.Genome, f.Result, rungs: _settings.Ga.Rungs is not null);

    /// <summary>Each genome's latest result (a steady-state rung run records a result per rung a genome reached).
    /// </summary>
    IReadOnlyList<ScoredGenome> Evaluated => RungTally.Latest(_recorded, f => f.Genome.Key)
        .Select(f => new ScoredGenome(f.Genome, f.Result)).ToArray();

    /// <param name="top">Best first; by default every evaluation so far, ranked.</param>
    /// <param name="front">The finished run's front with its test scores; by default the front so far, untested.
    /// </param>
    void Write(string status, IEnumerable<ScoredGenome>? top = null, ScoredGenome? best = null,
        FitnessResult? test = null, DateTimeOffset? finished = null, IReadOnlyList<FrontMember>? front = null)
    {
        var evaluated = Evaluated;
        var ranked = (top ?? Evolver.Rank(evaluated, _settings.Goal)).ToArray();
        front ??= FrontMember.Of(evaluated, _settings.Goal, new Dictionary<string, FitnessResult?>());
        best ??= ranked.FirstOrDefault();
        var tested = test is { Failed: false } ? test : null;
        var model = tested is not null && _settings.ModelPath is { } path && File.Exists(path)
            ? Path.GetFileName(path) : null;
        _files.WriteSummary(new RunSummary(_settings.RunId, status, _settings.Seed, _started, finished,
            ((finished ?? DateTimeOffset.UtcNow) - _started).TotalSeconds, _config,
            _settings.Space.Genes.Select(g => g.Describe()).ToArray(), evaluated.Count,
            best is null ? null : Report(best),
            tested?.Accuracy, tested?.ValidationLoss, model,
            Generations(), ranked.DistinctBy(t => t.Genome.Key).Take(10).Select(Report).ToArray())
        {
            Front = front?.Select(m => Report(m.Member) with
            {
                TestAccuracy = m.Test is { Failed: false } tested ? tested.Accuracy : null,
            }).ToArray(),
            Rungs = _settings.Ga.Rungs is { } rungs && RungTally.Of(rungs, Keyed(_recorded)) is { } all
                ? new RungsReport(rungs.Epochs, rungs.Reduction, all) : null,
        });
    }

    /// <summary>The generations so far; a rung run's each with its rung tally, from its facts (as the journal holds
    /// them, so a resumed run's earlier generations get theirs too).</summary>
    IReadOnlyList<GenerationReport> Generations() => _settings.Ga.Rungs is not { } rungs ? _generations
        : _generations.Select(g => g with
        {
            Rungs = RungTally.Of(rungs, Keyed(_recorded.Where(f => f.Generation == g.Generation))),
        }).ToList();

    static IEnumerable<(string, FitnessResult)> Keyed(IEnumerable<RecordedFitness> facts) =>
        facts.Select(f => (f.Genome.Key, f.Result));

    static GenerationReport Report(GenerationSummary s) =>
        new(s.Generation, s.Best, s.Mean, s.Worst, s.Trained, s.Cached, s.Failed);

    static GenomeReport Report(ScoredGenome s) =>
        new(s.Genome.Genes, s.Fitness.Accuracy, s.Fitness.ValidationLoss, s.Fitness.Epochs, s.Fitness.Seconds,
            s.Fitness.Trainer, s.Fitness.Metrics) { Rung = s.Fitness.Rung, Partial = s.Fitness.Partial };
}

/// <summary>The run stopped without completing; <see cref="BadInput"/> when nothing was written.</summary>
public sealed class RunAbortedException(string message, bool badInput) : Exception(message)
{
    public bool BadInput { get; } = badInput;
}
