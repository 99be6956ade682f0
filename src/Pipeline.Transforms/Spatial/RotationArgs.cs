using Pipeline.Components;

namespace Pipeline.Transforms.Spatial;

/// <summary>The label_fields arg of the rotation transforms.</summary>
internal static class RotationArgs
{
    /// <summary>The label fields: as given (each must be among <paramref name="fields"/>), or by default "label" when listed, Clara's name for the label map.</summary>
    public static HashSet<string> LabelFields(string[] fields, string[]? labelFields)
    {
        if (labelFields is null) return fields.Contains("label") ? ["label"] : [];
        for (var i = 0; i < labelFields.Length; i++)
            if (!fields.Contains(labelFields[i]))
                throw new ConfigArgException($"label_fields[{i}]", $"'{labelFields[i]}' is not one of fields ({string.Join(", ", fields)})");
        return labelFields.ToHashSet(StringComparer.Ordinal);
    }
}
