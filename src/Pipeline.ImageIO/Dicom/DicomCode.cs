namespace Pipeline.ImageIO.Dicom;

/// <summary>A coded concept (code sequence item): the code value, its coding scheme and its meaning, e.g. SCT 78961009 "Spleen".</summary>
/// <param name="Value">Code Value (0008,0100).</param>
/// <param name="Scheme">Coding Scheme Designator (0008,0102), e.g. SCT or DCM.</param>
/// <param name="Meaning">Code Meaning (0008,0104).</param>
public sealed record DicomCode(string Value, string Scheme, string Meaning)
{
    /// <summary>SCT 91723000 "Anatomical Structure": the category written when a segment names none.</summary>
    public static readonly DicomCode AnatomicalStructure = new("91723000", "SCT", "Anatomical Structure");

    /// <summary>SCT 85756007 "Tissue": the property type written when a segment names none.</summary>
    public static readonly DicomCode Tissue = new("85756007", "SCT", "Tissue");

    /// <summary>
    /// Parses "SCHEME:VALUE:Meaning" (the meaning may itself hold colons), as configs write codes, e.g.
    /// <c>SCT:78961009:Spleen</c>; null with <paramref name="problem"/> set when the text is not of that form.
    /// </summary>
    public static DicomCode? Parse(string text, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split(':', 3, StringSplitOptions.TrimEntries);
        problem = parts.Length != 3 || parts.Any(p => p.Length == 0) ? $"'{text}' is not SCHEME:VALUE:Meaning (e.g. SCT:78961009:Spleen)"
            : parts[0].Length > 16 ? $"the coding scheme '{parts[0]}' is longer than 16 characters"
            : parts[1].Length > 16 ? $"the code value '{parts[1]}' is longer than 16 characters"
            : parts[2].Length > 64 ? $"the code meaning '{parts[2]}' is longer than 64 characters"
            : null;
        return problem is null ? new DicomCode(parts[1], parts[0], parts[2]) : null;
    }

    /// <summary>The code as a sequence item.</summary>
    public DicomDataset ToItem() => new DicomDataset(littleEndian: true)
        .Set(new DicomTag(0x0008, 0x0100), DicomElement.Text("SH", Value))
        .Set(new DicomTag(0x0008, 0x0102), DicomElement.Text("SH", Scheme))
        .Set(new DicomTag(0x0008, 0x0104), DicomElement.Text("LO", Meaning));

    /// <inheritdoc />
    public override string ToString() => $"{Scheme}:{Value}:{Meaning}";
}
