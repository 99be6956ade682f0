using Pipeline.Imaging;
using Pipeline.ImageIO.Dicom;
using Pipeline.ImageIO.Nifti;

namespace Pipeline.ImageIO;

/// <summary>Reads a medical image whatever its format, told by content: a NIfTI file, a DICOM file, or a folder holding a DICOM series.</summary>
public static class MedicalImageFiles
{
    /// <summary>The format of <paramref name="path"/>: a folder is DICOM, a file is DICOM when it carries the DICM marker or ends in .dcm, NIfTI otherwise.</summary>
    public static MedicalImageFormat Detect(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (Directory.Exists(path)) return MedicalImageFormat.Dicom;
        if (File.Exists(path) && DicomParser.LooksLikeDicom(path)) return MedicalImageFormat.Dicom;
        return MedicalImageFormat.Nifti;
    }

    /// <summary>Reads <paramref name="path"/> in the format <see cref="Detect"/> tells; a DICOM folder gives the series <paramref name="selection"/> picks, a tilted one handled as <paramref name="tilt"/> says.</summary>
    /// <exception cref="NiftiFormatException">A NIfTI file cannot be read.</exception>
    /// <exception cref="DicomFormatException">A DICOM file or series cannot be read.</exception>
    public static MedicalImage Read(string path, DicomSeriesSelection? selection = null, GantryTiltHandling tilt = GantryTiltHandling.Refuse) => Detect(path) switch
    {
        MedicalImageFormat.Dicom => DicomSeriesReader.Read(path, selection, out _, tilt),
        _ => NiftiReader.Read(path),
    };
}

/// <summary>A medical image file format.</summary>
public enum MedicalImageFormat
{
    /// <summary>NIfTI-1 or NIfTI-2 (.nii, .nii.gz, .hdr/.img).</summary>
    Nifti,

    /// <summary>DICOM: one file, or a folder holding a series.</summary>
    Dicom,
}
