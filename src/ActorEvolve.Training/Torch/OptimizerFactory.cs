using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ActorEvolve.Training.Torch;

/// <summary>Optimisers with Keras' defaults (the seed's framework), not PyTorch's, so results compare:
/// learning rate 1e-3 (SGD 1e-2), epsilon 1e-7, RMSprop rho 0.9, Adagrad initial accumulator 0.1,
/// Adadelta rho 0.95.</summary>
public static class OptimizerFactory
{
    const double KerasEpsilon = 1e-7;

    public static optim.Optimizer Create(string name, IEnumerable<Parameter> parameters, double? learningRate)
    {
        var lr = learningRate ?? (name == "sgd" ? 0.01 : 0.001);
        return name switch
        {
            "rmsprop" => optim.RMSProp(parameters, lr, alpha: 0.9, eps: KerasEpsilon),
            "adam" => optim.Adam(parameters, lr, eps: KerasEpsilon),
            "sgd" => optim.SGD(parameters, lr),
            "adagrad" => optim.Adagrad(parameters, lr, initial_accumulator_value: 0.1, eps: KerasEpsilon),
            "adadelta" => optim.Adadelta(parameters, lr, rho: 0.95, eps: KerasEpsilon),
            "adamax" => optim.Adamax(parameters, lr, eps: KerasEpsilon),
            "nadam" => optim.NAdam(parameters, lr, eps: KerasEpsilon),
            _ => throw new ArgumentException($"unknown optimizer '{name}'"),
        };
    }
}
