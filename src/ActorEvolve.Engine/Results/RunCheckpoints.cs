using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace ActorEvolve.Engine.Results;

/// <summary>
/// A trainer node's training checkpoints of one run, in its own state folder:
/// <c>RUN/checkpoints/GENERATION/GENOME-HASH</c>. Rung trials continue from them; a generation's are dropped once it
/// is settled (<see cref="Protocol.DropCheckpoints"/>). The folder is built here from the run id, a generation number
/// and a hash of the genome's key: nothing a message carries becomes a path.
/// </summary>
public sealed class RunCheckpoints(string runDirectory)
{
    public string Folder { get; } = Path.Combine(runDirectory, "checkpoints");

    public string For(int generation, string genomeKey) => Path.Combine(Folder,
        generation.ToString(CultureInfo.InvariantCulture),
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(genomeKey)))[..24]);

    /// <summary>Deletes a genome's checkpoint of <paramref name="generation"/>, if this node holds one. Returns its
    /// folder when it could not be deleted (a training still writing it), else null.</summary>
    public string? Drop(int generation, string genomeKey)
    {
        var folder = For(generation, genomeKey);
        try
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return folder;
        }
    }

    /// <summary>Deletes the checkpoints of generations before <paramref name="generation"/>. Returns the folders
    /// that could not be deleted (a training still writing one): the next drop tries again.</summary>
    public IReadOnlyList<string> DropBefore(int generation)
    {
        if (!Directory.Exists(Folder)) return [];
        var stale = Directory.GetDirectories(Folder)
            .Where(d => int.TryParse(Path.GetFileName(d), NumberStyles.None, CultureInfo.InvariantCulture, out var g)
                        && g < generation);
        var kept = new List<string>();
        foreach (var folder in stale)
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                kept.Add(folder);
            }
        }
        if (kept.Count == 0 && !Directory.EnumerateFileSystemEntries(Folder).Any()) Directory.Delete(Folder);
        return kept;
    }
}
