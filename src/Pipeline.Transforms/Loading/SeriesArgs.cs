using System.Text.RegularExpressions;
using Pipeline.Components;
using Pipeline.ImageIO.Dicom;

namespace Pipeline.Transforms.Loading;

/// <summary>The DICOM series-selection args the loaders share, checked once.</summary>
internal static class SeriesArgs
{
    public static DicomSeriesSelection Selection(string? modality, string? description, DicomSeriesChoice choice)
    {
        if (modality is { Length: 0 }) throw new ConfigArgException("series_modality", "give a modality such as CT or MR, or leave the arg out");
        if (description is not null)
        {
            try
            {
                _ = new Regex(description, RegexOptions.None, TimeSpan.FromSeconds(1));
            }
            catch (ArgumentException e)
            {
                throw new ConfigArgException("series_description", $"'{description}' is not a regular expression: {e.Message}");
            }
        }
        return new DicomSeriesSelection(modality, description, choice);
    }
}
