using System.CommandLine;

namespace ActorEvolve.Cli.Commands;

/// <summary>A run id names a folder in the state directory and is typed on command lines (<c>resume RUN-ID</c>), so
/// it must stay a plain folder name there: not empty, not an option, no path separators.</summary>
public static class RunIds
{
    public const int MaxLength = 100;

    /// <summary>The <c>run-id</c> argument of commands that read a run, checked while parsing.</summary>
    public static Argument<string> Argument(string description)
    {
        var argument = new Argument<string>("run-id") { Description = description };
        argument.Validators.Add(result => Check(result.GetValueOrDefault<string>(), result.AddError));
        return argument;
    }

    /// <summary>The <c>--run-id</c> option of commands that start a run, checked while parsing.</summary>
    public static Option<string> Option(string description)
    {
        var option = new Option<string>("--run-id") { Description = description };
        option.Validators.Add(result => Check(result.GetValueOrDefault<string>(), result.AddError));
        return option;
    }

    static void Check(string? id, Action<string> error)
    {
        if (Problem(id ?? "") is { } problem) error(problem);
    }

    /// <summary>Why <paramref name="id"/> cannot be a run id, or null when it can.</summary>
    public static string? Problem(string id)
    {
        var invalid = id.FirstOrDefault(c =>
            c is '/' or '\\' || char.IsControl(c) || Path.GetInvalidFileNameChars().Contains(c));
        return id switch
        {
            "" => "a run id cannot be empty",
            _ when id.Trim() != id => $"run id '{id}' starts or ends with a blank",
            _ when id.StartsWith('-') => $"run id '{id}' cannot start with '-' (it would read as an option)",
            "." or ".." => $"run id '{id}' cannot be a folder name",
            _ when invalid != default => $"run id '{id}' cannot contain {Visible(invalid)} (it names a folder)",
            _ when id.Length > MaxLength => $"a run id has at most {MaxLength} characters (got {id.Length})",
            _ => null,
        };
    }

    static string Visible(char c) => char.IsControl(c) ? $"the control character U+{(int)c:X4}" : $"'{c}'";
}
