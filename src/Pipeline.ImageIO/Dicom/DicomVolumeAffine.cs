using Pipeline.Imaging;

namespace Pipeline.ImageIO.Dicom;

/// <summary>The RAS affine of a volume of DICOM slices, as nibabel and dcm2niix give it: DICOM's LPS geometry with x and y negated.</summary>
internal static class DicomVolumeAffine
{
    /// <summary>Voxel (i, j, k) = column i, row j of slice k, with slice 0's first pixel at <paramref name="origin"/>.</summary>
    /// <param name="rowDirection">Direction along a row (ImageOrientationPatient's first three values), LPS.</param>
    /// <param name="columnDirection">Direction down a column (its last three), LPS.</param>
    /// <param name="spacing">PixelSpacing: between rows, between columns.</param>
    /// <param name="sliceStep">The step from slice k to k + 1, LPS, mm.</param>
    /// <param name="origin">The first pixel of slice 0, LPS, mm.</param>
    public static AffineMatrix Of(double[] rowDirection, double[] columnDirection, (double Row, double Column) spacing, double[] sliceStep, double[] origin)
    {
        var lps = new double[16];
        for (var r = 0; r < 3; r++)
        {
            lps[4 * r + 0] = rowDirection[r] * spacing.Column;
            lps[4 * r + 1] = columnDirection[r] * spacing.Row;
            lps[4 * r + 2] = sliceStep[r];
            lps[4 * r + 3] = origin[r];
        }
        lps[15] = 1;
        for (var c = 0; c < 4; c++)
        {
            // Adding zero turns -0 into 0, so printed affines do not show "-0".
            lps[c] = -lps[c] + 0.0;
            lps[4 + c] = -lps[4 + c] + 0.0;
        }
        return AffineMatrix.FromRowMajor(lps);
    }
}
