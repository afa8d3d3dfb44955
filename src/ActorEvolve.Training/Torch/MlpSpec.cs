using ActorEvolve.Core.Genes;

namespace ActorEvolve.Training.Torch;

/// <summary>The network and optimiser a genome describes. Genes the space does not declare fall back to the
/// seed's fixed choices (dropout 0.2, batch 64, Keras default learning rates).</summary>
public sealed record MlpSpec(int Layers, int Neurons, string Activation, string Optimizer, double? LearningRate,
    double Dropout, int BatchSize)
{
    public static readonly string[] Activations = ["relu", "elu", "tanh", "sigmoid"];
    public static readonly string[] Optimizers = ["rmsprop", "adam", "sgd", "adagrad", "adadelta", "adamax", "nadam"];

    /// <summary>Gene names the trainer understands, as the seed named them.</summary>
    public static readonly string[] KnownGenes =
        ["nb_layers", "nb_neurons", "activation", "optimizer", "learning_rate", "dropout", "batch_size"];

    public static MlpSpec FromGenome(Genome genome, double defaultDropout, int defaultBatchSize)
    {
        var activation = genome.GetOr("activation", "relu");
        var optimizer = genome.GetOr("optimizer", "adam");
        if (!Activations.Contains(activation))
            throw new ArgumentException($"unknown activation '{activation}' (known: {string.Join(", ", Activations)})");
        if (!Optimizers.Contains(optimizer))
            throw new ArgumentException($"unknown optimizer '{optimizer}' (known: {string.Join(", ", Optimizers)})");
        var lr = genome.Genes.ContainsKey("learning_rate") ? genome.GetDouble("learning_rate", 0) : (double?)null;
        return new MlpSpec(genome.GetInt("nb_layers", 1), genome.GetInt("nb_neurons", 512), activation, optimizer, lr,
            genome.GetDouble("dropout", defaultDropout), genome.GetInt("batch_size", defaultBatchSize));
    }

    /// <summary>Rejects a search space this trainer cannot train: unknown genes, activations or optimizers.</summary>
    public static void ValidateSpace(SearchSpace space)
    {
        foreach (var gene in space.Genes)
        {
            if (!KnownGenes.Contains(gene.Name))
                throw new SearchSpaceException($"gene '{gene.Name}' means nothing to the MLP trainer " +
                    $"(it knows {string.Join(", ", KnownGenes)})");
            var allowed = gene.Name switch { "activation" => Activations, "optimizer" => Optimizers, _ => null };
            if (allowed is null) continue;
            if (gene is not ChoiceGene choice)
                throw new SearchSpaceException($"gene '{gene.Name}' must be a list of choices");
            var unknown = choice.Values.FirstOrDefault(v => !allowed.Contains(v));
            if (unknown is not null)
                throw new SearchSpaceException(
                    $"unknown {gene.Name} '{unknown}' (known: {string.Join(", ", allowed)})");
        }
    }

    public long ParameterCount(int inputs, int classes)
    {
        long count = 0, width = inputs;
        for (var i = 0; i < Layers; i++) { count += (width + 1) * Neurons; width = Neurons; }
        return count + (width + 1) * classes;
    }
}
