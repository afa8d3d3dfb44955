namespace ActorEvolve.Cli.Commands;

/// <summary>The user asked for something that cannot be done as asked. One line, exit code 2.</summary>
public sealed class UsageException(string message) : Exception(message);
