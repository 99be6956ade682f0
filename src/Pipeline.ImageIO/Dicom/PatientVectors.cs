namespace Pipeline.ImageIO.Dicom;

/// <summary>The 3-vector arithmetic of patient-space geometry (positions and direction cosines, LPS, as double[3]).</summary>
internal static class PatientVectors
{
    public static double Dot(double[] a, double[] b) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];

    public static double Norm(double[] a) => Math.Sqrt(Dot(a, a));

    public static double[] Cross(double[] a, double[] b) => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];

    public static double[] Subtract(double[] a, double[] b) => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
}
