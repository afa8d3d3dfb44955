using System.Text.Json;
using ActorEvolve.Core.Fitness;
using ActorEvolve.Core.Randomness;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ActorEvolve.Training.Torch;

/// <summary>Where a training stands after an epoch, beside its weights: enough to continue it so that the
/// continued training is the same, number for number, as one that never stopped.</summary>
public sealed record TrainingProgress(int Epoch, double BestLoss, double BestAccuracy, int BestEpoch,
    double? ReportAccuracy, IReadOnlyList<EpochScore> Curve, IReadOnlyList<ulong> BatchOrder);

/// <summary>
/// A training's checkpoint, a folder: the network's weights, the optimiser's state (moments, step counts), the
/// network's dropout generator and the progress (epoch, best so far, curve, the batch-order generator). Written
/// beside and renamed into place, so a kill leaves the previous checkpoint or the new one, never half of one.
/// </summary>
public static class TrainingCheckpoint
{
    const string Weights = "weights.bin", Optimizer = "optimizer.bin", Dropout = "dropout.bin",
        Progress = "progress.json";

    public static bool Exists(string folder) => File.Exists(Path.Combine(folder, Progress));

    public static void Save(string folder, Mlp network, optim.Optimizer optimizer, Generator dropout,
        TrainingProgress progress)
    {
        var temp = folder + ".tmp";
        if (Directory.Exists(temp)) Directory.Delete(temp, recursive: true);
        Directory.CreateDirectory(temp);
        network.save(Path.Combine(temp, Weights));
        ((OptimizerHelper)optimizer).save_state_dict(Path.Combine(temp, Optimizer));
        using (var state = dropout.get_state()) File.WriteAllBytes(Path.Combine(temp, Dropout), state.bytes.ToArray());
        File.WriteAllText(Path.Combine(temp, Progress), JsonSerializer.Serialize(progress));
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        Directory.Move(temp, folder);
    }

    /// <summary>Loads a checkpoint into a network, optimiser and generator built as for a fresh training.</summary>
    public static TrainingProgress Load(string folder, Mlp network, optim.Optimizer optimizer, Generator dropout)
    {
        network.load(Path.Combine(folder, Weights));
        ((OptimizerHelper)optimizer).load_state_dict(Path.Combine(folder, Optimizer));
        using (var state = tensor(File.ReadAllBytes(Path.Combine(folder, Dropout)))) dropout.set_state(state);
        return JsonSerializer.Deserialize<TrainingProgress>(File.ReadAllText(Path.Combine(folder, Progress)))
               ?? throw new InvalidDataException($"{folder}: an empty training checkpoint");
    }

    public static DeterministicRng BatchOrder(TrainingProgress progress) =>
        DeterministicRng.FromState(progress.BatchOrder);
}
