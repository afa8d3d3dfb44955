using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ActorEvolve.Training.Torch;

/// <summary>The seed's Keras MLP: per hidden layer Dense → activation → Dropout, then Dense(classes) logits.
/// Weight init and dropout draw from a private generator so that parallel trainings stay reproducible
/// (libtorch's global generator is shared by every thread of the process).</summary>
public sealed class Mlp : nn.Module<Tensor, Tensor>
{
    readonly ModuleList<Linear> _layers = new();
    readonly Func<Tensor, Tensor> _activation;
    readonly double _dropout;
    readonly Generator _generator;
    // Scalars held for the network's lifetime: an implicit double→Scalar temporary can be finalized while the
    // native call that uses it is still running ("Unknown scalar type" under GC pressure with parallel slots).
    readonly Scalar _dropoutRate;
    readonly Scalar _keepRate;

    public Mlp(MlpSpec spec, int inputs, int classes, Generator generator) : base(nameof(Mlp))
    {
        _generator = generator;
        _dropout = spec.Dropout;
        _dropoutRate = spec.Dropout.ToScalar();
        _keepRate = (1 - spec.Dropout).ToScalar();
        _activation = spec.Activation switch
        {
            "relu" => x => nn.functional.relu(x),
            "elu" => x => nn.functional.elu(x, alpha: 1.0),
            "tanh" => torch.tanh,
            "sigmoid" => torch.sigmoid,
            _ => throw new ArgumentException($"unknown activation '{spec.Activation}'"),
        };
        var width = inputs;
        for (var i = 0; i < spec.Layers; i++) { _layers.Add(nn.Linear(width, spec.Neurons)); width = spec.Neurons; }
        _layers.Add(nn.Linear(width, classes));
        RegisterComponents();
        using (no_grad())
            foreach (var layer in _layers) GlorotUniform(layer);
    }

    /// <summary>Keras' default initialisers: Glorot-uniform weights, zero biases.</summary>
    void GlorotUniform(Linear layer)
    {
        var (fanOut, fanIn) = (layer.weight!.shape[0], layer.weight.shape[1]);
        var limit = Math.Sqrt(6.0 / (fanIn + fanOut));
        using var width = (2 * limit).ToScalar();
        using var offset = limit.ToScalar();
        using var uniform = rand(layer.weight.shape, generator: _generator);
        using var scaled = uniform.mul(width);
        using var weights = scaled.sub(offset);
        layer.weight.copy_(weights);
        layer.bias!.zero_();
    }

    public override Tensor forward(Tensor input)
    {
        var x = input;
        for (var i = 0; i < _layers.Count - 1; i++)
        {
            x = _activation(_layers[i].forward(x));
            if (training && _dropout > 0)
            {
                // Inverted dropout, as Keras does, drawn from this network's own generator.
                using var noise = rand(x.shape, generator: _generator);
                using var keep = noise.ge(_dropoutRate);
                x = x.mul(keep).div(_keepRate);
            }
        }
        return _layers[^1].forward(x);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _dropoutRate.Dispose();
            _keepRate.Dispose();
        }
        base.Dispose(disposing);
    }
}
