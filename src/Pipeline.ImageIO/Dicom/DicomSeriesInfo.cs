namespace Pipeline.ImageIO.Dicom;

/// <summary>One series found in a folder: its identity and files, read from the headers only.</summary>
/// <param name="SeriesInstanceUid">Its SeriesInstanceUID.</param>
/// <param name="Modality">Its modality, e.g. CT.</param>
/// <param name="Description">Its SeriesDescription.</param>
/// <param name="SeriesNumber">Its SeriesNumber.</param>
/// <param name="Files">Its image files.</param>
/// <param name="Voxels">Rows × columns × frames over its files.</param>
public sealed record DicomSeriesInfo(string SeriesInstanceUid, string? Modality, string? Description, long? SeriesNumber, IReadOnlyList<string> Files, long Voxels)
{
    /// <summary>How a message names it.</summary>
    public override string ToString() =>
        $"series {SeriesNumber?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?"} '{Description ?? ""}' ({Modality ?? "?"}, {Files.Count} file(s), {SeriesInstanceUid})";
}
