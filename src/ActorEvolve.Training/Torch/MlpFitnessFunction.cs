using System.Diagnostics;
using ActorEvolve.Core.Fitness;
using ActorEvolve.Core.Genes;
using ActorEvolve.Core.Randomness;
using ActorEvolve.Training.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace ActorEvolve.Training.Torch;

/// <summary>Fitness = validation accuracy of the genome's MLP trained with early stopping on validation loss.
/// Thread-safe: each call builds its own network, optimiser and generator; the datasets are shared read-only.
/// Every result also reports the network's size and speed (<see cref="Metrics"/>): <c>parameters</c>, exact, and
/// <c>inference_ms</c>, measured, so it varies from one run and machine to the next.</summary>
public sealed class MlpFitnessFunction : IRungFitness
{
    /// <summary>The metrics every successful result reports, by name (what an objective may name).</summary>
    public static readonly IReadOnlyList<string> Metrics =
        ["accuracy", "validation_loss", ParametersMetric, InferenceMetric];

    const string ParametersMetric = "parameters", InferenceMetric = "inference_ms";

    /// <summary>Images whose inference is timed (or the evaluation set, when smaller); reported per 1,000.</summary>
    const int TimedImages = 1000;

    readonly DatasetSplits _data;
    readonly TrainingBudget _budget;
    readonly Device _device;
    readonly bool _scoreTestSet;

    /// <param name="scoreTestSet">Also report each genome's test accuracy (at its best validation epoch), as brute
    /// force does for its grid; costs one pass over the test set per improving epoch.</param>
    public MlpFitnessFunction(DatasetSplits data, TrainingBudget budget, Device device, bool scoreTestSet = false)
    {
        TorchRuntime.Initialize();
        _data = data;
        _budget = budget.Validated();
        _device = device;
        _scoreTestSet = scoreTestSet;
    }

    /// <summary>The network's input size and output size: the dataset's features and classes.</summary>
    public (int Features, int Classes) Shape => (_data.Train.FeatureCount, _data.Classes);

    public int MaxEpochs => _budget.MaxEpochs;

    public FitnessResult Evaluate(Genome genome, EvaluationContext context, CancellationToken cancellation) =>
        TrainUpTo(genome, _budget.MaxEpochs, checkpoint: null, context, cancellation).ToFitness(context.Trainer);

    /// <summary>Trains the genome for up to <paramref name="epochs"/> of its budget (a rung), continuing from the
    /// checkpoint folder <paramref name="checkpoint"/> when it holds one and leaving one there for the next rung
    /// (unless early stopping ended the training, or it reached the full budget). The result is what a training of
    /// that many epochs from scratch reports, weights included. A checkpoint past <paramref name="epochs"/> is not
    /// used; one that cannot be read is deleted and the attempt fails (its retry trains from scratch). The result
    /// says how many epochs this call trained.</summary>
    public FitnessResult EvaluateUpTo(Genome genome, int epochs, string? checkpoint, EvaluationContext context,
        CancellationToken cancellation)
    {
        var outcome = TrainUpTo(genome, epochs, checkpoint, context, cancellation);
        return outcome.ToFitness(context.Trainer) with { EpochsTrained = outcome.Trained };
    }

    TrainingOutcome TrainUpTo(Genome genome, int epochs, string? checkpoint, EvaluationContext context,
        CancellationToken cancellation)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(epochs, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(epochs, _budget.MaxEpochs);
        var outcome = Train(genome, context, _data.Train, _data.Validation, epochs, _budget.Patience,
            cancellation, _scoreTestSet ? _data.Test : null, checkpoint);
        outcome.Network?.Dispose();
        return outcome;
    }

    /// <summary>Retrains the winner on training + validation data for the epochs its search run found best,
    /// then measures it once on the test set, which the search never looked at.</summary>
    public FitnessResult? EvaluateOnTestSet(Genome genome, int epochs, EvaluationContext context, string? saveModelTo,
        CancellationToken cancellation)
    {
        var outcome = Train(genome, context, _data.FullTrain, _data.Test, Math.Max(1, epochs), patience: null,
            cancellation, null);
        using var network = outcome.Network;
        if (saveModelTo is not null && network is not null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(saveModelTo))!);
            network.cpu().save(saveModelTo);
        }
        return outcome.ToFitness(context.Trainer);
    }

    TrainingOutcome Train(Genome genome, EvaluationContext context, ImageDataset trainSet, ImageDataset evalSet,
        int maxEpochs, int? patience, CancellationToken cancellation, ImageDataset? reportSet,
        string? checkpoint = null)
    {
        var stopwatch = Stopwatch.StartNew();
        var spec = MlpSpec.FromGenome(genome, _budget.Dropout, _budget.BatchSize);
        // Same genome, same run seed → same weights, batches and dropout masks, on any node.
        var seed = DeterministicRng.DeriveSeed(context.RunSeed, genome.Key);
        using var generator = new Generator(seed, CPU);
        var network = new Mlp(spec, trainSet.FeatureCount, _data.Classes, generator);
        network.to(_device);
        using var optimizer = OptimizerFactory.Create(spec.Optimizer, network.parameters(), spec.LearningRate);
        var resumed = checkpoint is not null && TrainingCheckpoint.EpochOf(checkpoint) <= maxEpochs
            ? TrainingCheckpoint.Load(checkpoint, network, optimizer, generator) : null;
        var rng = resumed is null ? new DeterministicRng(seed) : TrainingCheckpoint.BatchOrder(resumed);
        using var trainX = tensor(trainSet.Features, [trainSet.Count, trainSet.FeatureCount], device: _device);
        using var trainY = tensor(trainSet.Labels, device: _device);
        using var evalX = tensor(evalSet.Features, [evalSet.Count, evalSet.FeatureCount], device: _device);
        using var evalY = tensor(evalSet.Labels, device: _device);
        using var reportX = reportSet is null ? null
            : tensor(reportSet.Features, [reportSet.Count, reportSet.FeatureCount], device: _device);
        using var reportY = reportSet is null ? null : tensor(reportSet.Labels, device: _device);
        var reportAccuracy = resumed?.ReportAccuracy;

        var best = resumed is null ? (Loss: double.PositiveInfinity, Accuracy: 0.0, Epoch: 0)
            : (Loss: resumed.BestLoss, Accuracy: resumed.BestAccuracy, Epoch: resumed.BestEpoch);
        var curve = resumed?.Curve.ToList() ?? [];
        var epoch = resumed?.Epoch ?? 0;
        var stopped = false;
        while (epoch < maxEpochs)
        {
            cancellation.ThrowIfCancellationRequested();
            epoch++;
            var trainLoss = RunEpoch(network, optimizer, trainX, trainY, spec.BatchSize, rng, cancellation);
            var (loss, accuracy) = Measure(network, evalX, evalY);
            if (!double.IsFinite(trainLoss) || !double.IsFinite(loss))
            {
                network.Dispose();
                return TrainingOutcome.Diverged(epoch, stopwatch.Elapsed.TotalSeconds) with
                {
                    Trained = epoch - (resumed?.Epoch ?? 0),
                };
            }
            context.Progress?.Invoke(epoch, accuracy);
            curve.Add(new EpochScore(accuracy, loss));
            if (loss < best.Loss)
            {
                best = (loss, accuracy, epoch);
                if (reportX is not null) reportAccuracy = Measure(network, reportX, reportY!).Accuracy;
            }
            else if (patience is { } p && epoch - best.Epoch >= p)
            {
                stopped = true;
                break; // Keras EarlyStopping(patience)
            }
        }
        if (checkpoint is not null && !stopped && epoch < _budget.MaxEpochs)
            TrainingCheckpoint.Save(checkpoint, network, optimizer, generator, new TrainingProgress(epoch, best.Loss,
                best.Accuracy, best.Epoch, reportAccuracy, curve, rng.GetState()));
        // Fitness is the accuracy at the best validation loss (early stopping with best weights).
        // Without patience (the final training, measured on the test set) the last epoch is what the model is, and
        // its curve is not reported: only validation curves describe the search's landscape.
        var reported = patience is null ? Measure(network, evalX, evalY) : (best.Loss, best.Accuracy);
        var size = (Parameters: spec.ParameterCount(trainSet.FeatureCount, _data.Classes),
            InferenceMs: InferenceMilliseconds(network, evalX));
        return new TrainingOutcome(reported.Item2, reported.Item1, patience is null ? epoch : best.Epoch,
            stopwatch.Elapsed.TotalSeconds, null, network, reportAccuracy, patience is null ? null : curve, size,
            Trained: epoch - (resumed?.Epoch ?? 0));
    }

    /// <summary>Milliseconds the trained network takes to classify 1,000 images in one batch, timed after a pass
    /// that warms it up (allocations, kernel choice). Reads no randomness: training numerics are unaffected.</summary>
    static double InferenceMilliseconds(Mlp network, Tensor x)
    {
        network.eval();
        using var _ = no_grad();
        using var images = x.narrow(0, 0, Math.Min(TimedImages, x.shape[0]));
        network.forward(images).Dispose();
        var stopwatch = Stopwatch.StartNew();
        using var logits = network.forward(images);
        using var classes = logits.argmax(1);
        classes.sum().item<long>(); // reading a value waits for a GPU to finish
        return stopwatch.Elapsed.TotalMilliseconds * TimedImages / images.shape[0];
    }

    static double RunEpoch(Mlp network, optim.Optimizer optimizer, Tensor x, Tensor y, int batchSize,
        DeterministicRng rng, CancellationToken cancellation)
    {
        network.train();
        var count = (int)x.shape[0];
        using var order = tensor(rng.Permutation(count).Select(i => (long)i).ToArray(), device: x.device);
        double total = 0;
        for (var start = 0; start < count; start += batchSize)
        {
            cancellation.ThrowIfCancellationRequested(); // a cancelled training stops within one batch
            using var scope = NewDisposeScope();
            var index = order.narrow(0, start, Math.Min(batchSize, count - start));
            optimizer.zero_grad();
            var loss = nn.functional.cross_entropy(network.forward(x.index_select(0, index)), y.index_select(0, index));
            loss.backward();
            optimizer.step();
            total += loss.item<float>() * index.shape[0];
        }
        return total / count;
    }

    static (double Loss, double Accuracy) Measure(Mlp network, Tensor x, Tensor y)
    {
        network.eval();
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var logits = network.forward(x);
        var loss = nn.functional.cross_entropy(logits, y).item<float>();
        var accuracy = logits.argmax(1).eq(y).to_type(ScalarType.Float32).mean().item<float>();
        return (loss, accuracy);
    }

    /// <param name="Trained">The epochs this training ran (none before the checkpoint it went on from).</param>
    sealed record TrainingOutcome(double Accuracy, double Loss, int Epochs, double Seconds, string? Failure,
        Mlp? Network, double? TestAccuracy = null, IReadOnlyList<EpochScore>? Curve = null,
        (long Parameters, double InferenceMs)? Size = null, int Trained = 0)
    {
        public static TrainingOutcome Diverged(int epoch, double seconds) =>
            new(0, double.NaN, epoch, seconds, $"diverged: loss became NaN/Inf in epoch {epoch}", null);

        public FitnessResult ToFitness(string trainer)
        {
            if (Failure is not null) return FitnessResult.Failure(Failure, trainer, Seconds, Epochs);
            return new FitnessResult(Accuracy, Loss, Epochs, Seconds, trainer, TestAccuracy: TestAccuracy,
                Metrics: new Dictionary<string, double>
                {
                    ["accuracy"] = Accuracy, ["validation_loss"] = Loss,
                    [ParametersMetric] = Size!.Value.Parameters, [InferenceMetric] = Size.Value.InferenceMs,
                },
                Curve: Curve);
        }
    }
}
