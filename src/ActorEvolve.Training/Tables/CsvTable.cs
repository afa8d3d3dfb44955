using System.Globalization;
using ActorEvolve.Training.Data;
using CsvHelper;

namespace ActorEvolve.Training.Tables;

/// <summary>
/// A CSV file with a header row, read whole through CsvHelper (RFC 4180: quoted fields, doubled quotes, line
/// breaks inside quotes). Every problem is one <see cref="DatasetException"/> line naming the file, the line and,
/// where there is one, the column: an empty file, a blank or repeated column name, malformed quoting, a ragged
/// row, a cell that is not a number. Blank lines are skipped; cells are trimmed outside quotes.
/// </summary>
public sealed class CsvTable
{
    static readonly CsvReaderOptions Options = CsvReaderOptions.Default with
    {
        Separator = ',', // never guessed from the data: a table of semicolons is refused, not misread
        DetectSeparatorHint = false,
        TrimWhitespace = true,
        MalformedData = CsvMalformedDataHandling.Throw,
        TrackLineNumbers = true,
    };

    public string Path { get; }
    public IReadOnlyList<string> Header { get; }
    public IReadOnlyList<CsvTableRow> Rows { get; }

    readonly Dictionary<string, int> _columns;

    CsvTable(string path, IReadOnlyList<string> header, IReadOnlyList<CsvTableRow> rows)
    {
        Path = path;
        Header = header;
        Rows = rows;
        _columns = header.Select((name, index) => (name, index)).ToDictionary(c => c.name, c => c.index);
    }

    /// <param name="what">What the file is, for messages ("fitness table").</param>
    public static CsvTable Read(string path, string what)
    {
        if (path.Trim() == "") throw new DatasetException($"no file named for the {what}");
        if (!File.Exists(path)) throw new DatasetException($"{path}: {what} not found");
        var rows = new List<CsvTableRow>();
        string[] header;
        try
        {
            using var reader = CsvReader.Create(File.OpenRead(path), Options);
            header = reader.Headers.ToArray();
            if (header.Length == 0 || header is [""])
                throw new DatasetException($"{path}: empty {what} (no header row)");
            CheckHeader(path, header);
            var table = new CsvTable(path, header, rows);
            while (reader.Read())
            {
                var cells = reader.Current.ToArray();
                if (cells.All(c => c == "")) continue; // a line of blanks is a blank line
                var line = (int)reader.LineNumber;
                if (cells.Length != header.Length)
                    throw new DatasetException(
                        $"{path}:{line}: expected {header.Length} cells (as the header has), found {cells.Length}");
                rows.Add(new CsvTableRow(table, line, cells));
            }
            return table;
        }
        catch (CsvFormatException e)
        {
            throw new DatasetException($"{path}:{e.LineNumber}: malformed CSV ({FirstLine(e.Message)})");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DatasetException($"{path}: cannot read the {what} ({FirstLine(e.Message)})");
        }
    }

    static void CheckHeader(string path, string[] header)
    {
        var blank = Array.IndexOf(header, "");
        if (blank >= 0) throw new DatasetException($"{path}:1: column {blank + 1} has no name");
        var repeated = header.GroupBy(h => h, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (repeated is not null) throw new DatasetException($"{path}:1: column '{repeated.Key}' appears twice");
    }

    static string FirstLine(string message) => message.Split('\n')[0].Trim().TrimEnd('.');

    /// <summary>The index of the column called <paramref name="name"/>, or -1.</summary>
    public int Column(string name) => _columns.GetValueOrDefault(name, -1);

    /// <summary>The index of the column called <paramref name="name"/>; refused in one line if missing.</summary>
    public int RequiredColumn(string name, string role) =>
        Column(name) is >= 0 and var index ? index : throw new DatasetException($"{Path}: no column '{name}' ({role})");
}

/// <summary>One data row of a <see cref="CsvTable"/>, with the line it starts on for messages.</summary>
public sealed class CsvTableRow(CsvTable table, int line, string[] cells)
{
    public int Line { get; } = line;
    public string this[int column] => cells[column];

    /// <summary>The cell as a number (invariant culture); anything else is refused naming the row and column.</summary>
    public double Number(int column) =>
        double.TryParse(cells[column], NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            ? value : throw Error(column, $"{Shown(cells[column])} is not a number");

    public int Integer(int column) =>
        int.TryParse(cells[column], NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value : throw Error(column, $"{Shown(cells[column])} is not a whole number");

    /// <summary>A value as a message shows it: quoted, on one line, not a page long.</summary>
    public static string Shown(string value, int maxLength = 40)
    {
        var oneLine = string.Concat(value.Select(c => char.IsControl(c) ? ' ' : c));
        return $"'{(oneLine.Length > maxLength ? oneLine[..maxLength] + "…" : oneLine)}'";
    }

    /// <summary>A problem with one cell, as the one line the user sees.</summary>
    public DatasetException Error(int column, string problem) =>
        new($"{table.Path}:{Line}: column '{table.Header[column]}': {problem}");
}
