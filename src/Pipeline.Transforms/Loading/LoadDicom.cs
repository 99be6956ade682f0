using Pipeline.Components;
using Pipeline.Imaging;
using Pipeline.ImageIO.Dicom;

namespace Pipeline.Transforms.Loading;

/// <summary>Replaces the path in each field with the DICOM image it names: a file, or a folder (searched recursively) from which one series is picked by the series rules.</summary>
/// <remarks>
/// The volume is [1, columns, rows, slices] with the affine dcm2niix gives the series (RAS, see <see cref="DicomSeriesReader"/>).
/// Several series in a folder: <c>series_modality</c> and <c>series_description</c> (a case-insensitive regular
/// expression) narrow them, and <c>series_choice</c> takes the largest, the first by series number, or only one (an error
/// listing them otherwise).
/// </remarks>
[Component(ComponentKind.Transform, "LoadDicom")]
public sealed class LoadDicom : ImageLoader
{
    private readonly DicomSeriesSelection _selection;
    private readonly GantryTiltHandling _gantryTilt;

    /// <summary>Creates the loader.</summary>
    /// <param name="fields">Fields holding a DICOM file or folder (or a list of them: channels).</param>
    /// <param name="dtype">Voxel type of the loaded data: float32 (default), float64, float16, uint8, int8, int16, int32, int64, or native.</param>
    /// <param name="asClosestCanonical">Reorient to the closest RAS+ axis order by permuting and flipping axes.</param>
    /// <param name="seriesModality">Only series of this modality (CT, MR, …).</param>
    /// <param name="seriesDescription">Only series whose description matches this regular expression (case-insensitive).</param>
    /// <param name="seriesChoice">Of several matching series: largest, first (lowest series number) or only (several are an error).</param>
    /// <param name="gantryTilt">A series whose slices are sheared (gantry tilt): refuse it, or resample it onto an orthogonal grid.</param>
    public LoadDicom(string[] fields, string dtype = "float32", bool asClosestCanonical = false, string? seriesModality = null, string? seriesDescription = null,
        DicomSeriesChoice seriesChoice = DicomSeriesChoice.Largest, GantryTiltHandling gantryTilt = GantryTiltHandling.Refuse) : base(fields, dtype, asClosestCanonical)
    {
        _selection = SeriesArgs.Selection(seriesModality, seriesDescription, seriesChoice);
        _gantryTilt = gantryTilt;
    }

    /// <inheritdoc />
    public override bool AcceptsFolders => true;

    /// <inheritdoc />
    protected override MedicalImage Read(string path) => DicomSeriesReader.Read(path, _selection, out _, _gantryTilt);
}
