using System.Runtime.InteropServices;
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

    /// <summary>The epoch a checkpoint folder holds, or null when it holds none.</summary>
    public static int? EpochOf(string folder) => Exists(folder) ? Read(folder, ReadProgress).Epoch : null;

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
    public static TrainingProgress Load(string folder, Mlp network, optim.Optimizer optimizer, Generator dropout) =>
        Read(folder, f =>
        {
            network.load(Path.Combine(f, Weights));
            ((OptimizerHelper)optimizer).load_state_dict(Path.Combine(f, Optimizer));
            using (var state = tensor(File.ReadAllBytes(Path.Combine(f, Dropout)))) dropout.set_state(state);
            return ReadProgress(f);
        });

    static TrainingProgress ReadProgress(string folder) =>
        JsonSerializer.Deserialize<TrainingProgress>(File.ReadAllText(Path.Combine(folder, Progress)))
        ?? throw new InvalidDataException("empty progress");

    /// <summary>A checkpoint that cannot be read (a full disk, a bad file) is deleted, and the attempt fails: its
    /// retry trains from scratch, which gives the same result.</summary>
    static T Read<T>(string folder, Func<string, T> read)
    {
        try
        {
            return read(folder);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or JsonException
                                      or UnauthorizedAccessException or ExternalException)
        {
            Directory.Delete(folder, recursive: true);
            throw new EvaluationException($"its training checkpoint could not be read and was deleted ({e.Message})");
        }
    }

    public static DeterministicRng BatchOrder(TrainingProgress progress) =>
        DeterministicRng.FromState(progress.BatchOrder);
}
