namespace Pipeline.ImageIO.Dicom;

/// <summary>Which series to take when several match the selection.</summary>
public enum DicomSeriesChoice
{
    /// <summary>The one with the most voxels.</summary>
    Largest,

    /// <summary>The one with the lowest series number.</summary>
    First,

    /// <summary>None: several matching series are an error listing them.</summary>
    Only,
}
