namespace Pipeline.ImageIO.Dicom;

/// <summary>How a written DICOM SEG presents itself: its series description and number, content label, and the algorithm that made it.</summary>
/// <param name="Description">Series Description.</param>
/// <param name="SeriesNumber">Series Number.</param>
/// <param name="ContentLabel">Content Label (CS: capitals, digits, space and underscore, at most 16).</param>
/// <param name="AlgorithmName">Segment Algorithm Name of every segment, e.g. the model's name.</param>
/// <param name="AlgorithmVersion">Its version, written as the software versions of the equipment.</param>
public sealed record DicomSegSeries(string Description = "Segmentation", int SeriesNumber = 900, string ContentLabel = "SEGMENTATION",
    string AlgorithmName = "mmar", string AlgorithmVersion = "1");
