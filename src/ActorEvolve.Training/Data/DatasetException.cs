namespace ActorEvolve.Training.Data;

/// <summary>A missing, truncated or corrupt dataset. The message is one line meant for the user.</summary>
public sealed class DatasetException(string message) : Exception(message);
