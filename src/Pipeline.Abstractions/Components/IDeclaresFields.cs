namespace Pipeline.Components;

/// <summary>A transform that says which context fields it reads and writes, so <c>mmar check</c> can report a field no earlier step provides.</summary>
public interface IDeclaresFields
{
    /// <summary>Fields that must exist when the transform runs.</summary>
    IReadOnlyList<string> ReadsFields { get; }

    /// <summary>Fields the transform creates (or replaces).</summary>
    IReadOnlyList<string> WritesFields { get; }

    /// <summary>Config arg that names the read fields (usually <c>fields</c>), for the JSON path of a problem.</summary>
    string FieldsArg => "fields";
}
