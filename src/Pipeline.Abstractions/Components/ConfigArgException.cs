namespace Pipeline.Components;

/// <summary>Thrown by a component constructor when an arg value is not acceptable; the binder reports it at that arg's JSON path.</summary>
public sealed class ConfigArgException : Exception
{
    /// <summary>Creates the exception for arg <paramref name="arg"/> (its config name).</summary>
    public ConfigArgException(string arg, string message) : base(message) => Arg = arg;

    /// <summary>Config name of the offending arg, e.g. <c>a_min</c>; may name an element such as <c>size[2]</c>.</summary>
    public string Arg { get; }
}
