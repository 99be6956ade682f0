using Pipeline.Components;
using Pipeline.Imaging;
using Pipeline.ImageIO;
using Pipeline.ImageIO.Dicom;

namespace Pipeline.Transforms.Loading;

/// <summary>Replaces the path in each field with the image it names, in whichever format its content is: NIfTI, a DICOM file, or a folder holding a DICOM series.</summary>
/// <remarks>NIfTI is read as <see cref="LoadNifti"/> reads it, DICOM as <see cref="LoadDicom"/> does, with the same series rules.</remarks>
[Component(ComponentKind.Transform, "LoadImage")]
public sealed class LoadImage : ImageLoader
{
    private readonly DicomSeriesSelection _selection;
    private readonly GantryTiltHandling _gantryTilt;

    /// <summary>Creates the loader.</summary>
    /// <param name="fields">Fields holding a path (file or DICOM folder) or a list of paths (channels).</param>
    /// <param name="dtype">Voxel type of the loaded data: float32 (default), float64, float16, uint8, int8, int16, int32, int64, or native.</param>
    /// <param name="asClosestCanonical">Reorient to the closest RAS+ axis order by permuting and flipping axes.</param>
    /// <param name="seriesModality">For DICOM folders: only series of this modality (CT, MR, …).</param>
    /// <param name="seriesDescription">For DICOM folders: only series whose description matches this regular expression (case-insensitive).</param>
    /// <param name="seriesChoice">For DICOM folders, of several matching series: largest, first or only.</param>
    /// <param name="gantryTilt">A series whose slices are sheared (gantry tilt): refuse it, or resample it onto an orthogonal grid.</param>
    public LoadImage(string[] fields, string dtype = "float32", bool asClosestCanonical = false, string? seriesModality = null, string? seriesDescription = null,
        DicomSeriesChoice seriesChoice = DicomSeriesChoice.Largest, GantryTiltHandling gantryTilt = GantryTiltHandling.Refuse) : base(fields, dtype, asClosestCanonical)
    {
        _selection = SeriesArgs.Selection(seriesModality, seriesDescription, seriesChoice);
        _gantryTilt = gantryTilt;
    }

    /// <inheritdoc />
    public override bool AcceptsFolders => true;

    /// <inheritdoc />
    protected override MedicalImage Read(string path) => MedicalImageFiles.Read(path, _selection, _gantryTilt);
}
