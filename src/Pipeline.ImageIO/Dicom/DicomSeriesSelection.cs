using System.Text.RegularExpressions;

namespace Pipeline.ImageIO.Dicom;

/// <summary>The rules that pick one series from a folder: modality, a pattern on the series description, and what to do when several remain.</summary>
/// <param name="Modality">Only series of this modality (e.g. CT, MR); null for any.</param>
/// <param name="DescriptionPattern">Only series whose SeriesDescription matches this regular expression (case-insensitive); null for any.</param>
/// <param name="Choice">Which of several matching series to take.</param>
public sealed record DicomSeriesSelection(string? Modality = null, string? DescriptionPattern = null, DicomSeriesChoice Choice = DicomSeriesChoice.Largest)
{
    /// <summary>Whether <paramref name="series"/> passes the modality and description rules.</summary>
    public bool Matches(DicomSeriesInfo series)
    {
        ArgumentNullException.ThrowIfNull(series);
        return (Modality is null || string.Equals(series.Modality, Modality, StringComparison.OrdinalIgnoreCase)) &&
            (DescriptionPattern is null || Regex.IsMatch(series.Description ?? "", DescriptionPattern, RegexOptions.IgnoreCase, TimeSpan.FromSeconds(1)));
    }

    /// <summary>What the rules are, for messages.</summary>
    public override string ToString() =>
        $"modality {Modality ?? "any"}, description {(DescriptionPattern is null ? "any" : $"matching /{DescriptionPattern}/")}, " +
        $"{Choice.ToString().ToLowerInvariant()} of several";
}
