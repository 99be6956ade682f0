namespace Pipeline.Workflows.Checks;

/// <summary>A spatial size a built component was configured with, and the JSON path of the arg that gave it.</summary>
/// <param name="Size">The entries as configured.</param>
/// <param name="JsonPath">Where the config says it, e.g. <c>validate.inferer.args.roi_size</c>.</param>
public sealed record SizeArg(IReadOnlyList<int> Size, string JsonPath)
{
    /// <summary>The entries joined for a message.</summary>
    public string Text => string.Join(", ", Size);
}
