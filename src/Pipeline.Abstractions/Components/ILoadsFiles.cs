namespace Pipeline.Components;

/// <summary>A transform that loads the files its fields name, so every data-list item must give those fields as file paths.</summary>
public interface ILoadsFiles
{
    /// <summary>Whether a path may name a folder (a DICOM series) rather than a file.</summary>
    bool AcceptsFolders => false;
}
