using CsvHelper;

namespace ActorEvolve.Engine.Results;

/// <summary>How the run folder's CSV files (results.csv, grid.csv) are written: through CsvHelper, RFC 4180, one
/// "\n" per record. A field is quoted only when it must be (a comma, a quote, a line break, or spaces at either end,
/// which readers trim), so files of plain values are byte for byte what they always were, and any value reads back
/// exactly through a fitness table.</summary>
public static class CsvRecords
{
    static readonly CsvWriterOptions Options =
        CsvWriterOptions.Default with { NewLine = "\n", Quoting = CsvQuoting.WhenNeededOrWhitespace };

    /// <summary>One record, with its line ending.</summary>
    public static string Format(IReadOnlyList<string> fields)
    {
        using var text = new StringWriter();
        using (var writer = CsvWriter.Create(text, Options, leaveOpen: true)) Write(writer, fields);
        return text.ToString();
    }

    public static void Append(string path, IReadOnlyList<string> fields) => File.AppendAllText(path, Format(fields));

    /// <summary>Writes beside and renames, so a crash never leaves a half-written file.</summary>
    public static void WriteAll(string path, IEnumerable<IReadOnlyList<string>> records)
    {
        var temp = path + ".tmp";
        using (var writer = CsvWriter.Create(File.Create(temp), Options))
            foreach (var record in records) Write(writer, record);
        File.Move(temp, path, overwrite: true);
    }

    static void Write(CsvWriter writer, IReadOnlyList<string> fields)
    {
        foreach (var field in fields) writer.WriteField(field);
        writer.EndRecord();
    }
}
