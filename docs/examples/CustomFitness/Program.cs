// Evolves a small TorchSharp network that tells points on a ring from points off it.
// Run: dotnet run --project docs/examples/CustomFitness -- [RUN-ID] [--resume]
using ActorEvolve.Core.Fitness;
using ActorEvolve.Core.Genes;
using ActorEvolve.Core.Randomness;
using ActorEvolve.Engine;
using ActorEvolve.Engine.Protocol;
using ActorEvolve.Training.Torch;
using TorchSharp;
using static TorchSharp.torch;

TorchRuntime.Initialize(); // TorchSharp's natives (patched where libstdc++ is old), one thread per trainer slot
var options = new SearchOptions
{
    RunId = args.FirstOrDefault(a => !a.StartsWith("--")) ?? "ring",
    Resume = args.Contains("--resume"), // continue an interrupted run exactly where it stopped
    Space = new SearchSpace([
        new IntRangeGene("hidden", 2, 32),
        new ChoiceGene("activation", ["relu", "tanh"]),
        new FloatRangeGene("learning_rate", 0.0001, 0.1, log: true)]),
    Seed = 1, Population = 10, Generations = 4,
};
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); }; // Ctrl-C: stop, journal kept
var result = await Search.RunAsync(options, new RingFitness(), e =>
{
    if (e is GenerationCompleted g) Console.WriteLine($"generation {g.Summary.Generation}: best {g.Summary.Best:F4}");
}, stop.Token);
Console.WriteLine($"winner {result.Winner.Genome}: validation {result.Winner.Fitness.Accuracy:F4}, " +
                  $"test {result.Test?.Accuracy:F4}; run folder {result.Directory}");

/// <summary>Fitness = validation accuracy of a one-hidden-layer network after 40 epochs of Adam.</summary>
sealed class RingFitness : IFitnessFunction
{
    const int Epochs = 40;

    public FitnessResult Evaluate(Genome genome, EvaluationContext context, CancellationToken cancellation) =>
        Train(genome, context, validationSeed: 2, cancellation, saveModelTo: null);

    public FitnessResult EvaluateOnTestSet(Genome genome, int epochs, EvaluationContext context, string? saveModelTo,
        CancellationToken cancellation) => Train(genome, context, validationSeed: 3, cancellation, saveModelTo);

    static FitnessResult Train(Genome genome, EvaluationContext context, int validationSeed,
        CancellationToken cancellation, string? saveModelTo)
    {
        using var scope = NewDisposeScope();
        var started = DateTime.UtcNow;
        // The same run seed and genome give the same weights on any node: the run replays exactly.
        using var generator = new Generator((ulong)DeterministicRng.DeriveSeed(context.RunSeed, genome.Key));
        var hidden = genome.GetInt("hidden", 8);
        var model = nn.Sequential(Layer(2, hidden, generator),
            genome.Get("activation") == "relu" ? nn.ReLU() : nn.Tanh(), Layer(hidden, 2, generator));
        var optimizer = optim.Adam(model.parameters(), genome.GetDouble("learning_rate", 0.01));
        var (x, y) = Points(seed: 1);
        for (var epoch = 0; epoch < Epochs; epoch++)
        {
            cancellation.ThrowIfCancellationRequested();
            optimizer.zero_grad();
            nn.functional.cross_entropy(model.forward(x), y).backward();
            optimizer.step();
        }
        var (checkX, checkY) = Points(validationSeed);
        using var _ = no_grad();
        var logits = model.forward(checkX);
        if (saveModelTo is not null) model.save(saveModelTo);
        return new FitnessResult(logits.argmax(1).eq(checkY).to_type(ScalarType.Float32).mean().item<float>(),
            nn.functional.cross_entropy(logits, checkY).item<float>(), Epochs,
            (DateTime.UtcNow - started).TotalSeconds, context.Trainer);
    }

    static nn.Module<Tensor, Tensor> Layer(long inputs, long outputs, Generator generator)
    {
        var layer = nn.Linear(inputs, outputs);
        using (no_grad())
        {
            layer.weight!.uniform_(-1 / Math.Sqrt(inputs), 1 / Math.Sqrt(inputs), generator);
            layer.bias!.zero_();
        }
        return layer;
    }

    /// <summary>512 points in [-1, 1]², labelled 1 between the circles of radius 0.5 and 0.9.</summary>
    static (Tensor X, Tensor Y) Points(int seed)
    {
        using var generator = new Generator((ulong)seed);
        var x = rand(512, 2, generator: generator) * 2 - 1;
        var radius2 = x.pow(2).sum(1);
        return (x, radius2.gt(0.25).logical_and(radius2.lt(0.81)).to_type(ScalarType.Int64));
    }
}
