namespace ActorEvolve.Engine.Configuration;

/// <summary>Invalid configuration or search space. The message is one line meant for the user.</summary>
public sealed class ConfigException(string message) : Exception(message);
