namespace Pipeline.ImageIO.Dicom;

/// <summary>A DICOM file or series that cannot be read as an image; the message names the file (or folder) and why.</summary>
public sealed class DicomFormatException(string path, string message) : IOException($"{path}: {message}")
{
    /// <summary>The file or folder.</summary>
    public string Path { get; } = path;
}
