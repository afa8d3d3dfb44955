using ActorEvolve.Training.Data;
using CsCheck;

namespace ActorEvolve.Training.Tests;

/// <summary>The property every reader of a user's table must have: any text yields a value or one line of
/// <see cref="DatasetException"/> naming the file, never another exception and never a page of text.</summary>
public static class CsvProperty
{
    /// <summary>Random text made of <paramref name="words"/> of the table's own, CSV's special characters and
    /// arbitrary strings.</summary>
    public static Gen<string> Text(params string[] words) => Gen.OneOf(
            Gen.OneOf([.. words, "1e400", "NaN", "-Infinity", "85%", ",", ",", ",", "\"", "\"\"", "\n", "\r\n", "\r",
                " ", "\t", "\0", "é", "\uFEFF", "﻿;"]),
            Gen.String)
        .Array[0, 80].Select(string.Concat);

    /// <summary>Writes each sample to a file in <paramref name="directory"/> and reads it with
    /// <paramref name="read"/>, which asserts what a table that was accepted must be.</summary>
    public static void Holds(Gen<string> samples, string directory, Action<string> read) =>
        samples.Sample(text =>
        {
            var path = Path.Combine(directory, $"{Guid.NewGuid():N}.csv");
            File.WriteAllText(path, text);
            try
            {
                read(path);
            }
            catch (DatasetException e)
            {
                Assert.Contains(path, e.Message);
                Assert.DoesNotContain('\n', e.Message);
                Assert.DoesNotContain('\r', e.Message);
            }
            finally
            {
                File.Delete(path);
            }
        }, iter: 3000);
}
