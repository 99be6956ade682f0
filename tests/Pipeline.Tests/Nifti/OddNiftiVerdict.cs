namespace Pipeline.Tests.Nifti;

/// <summary>What the reader must make of a corpus file.</summary>
internal enum OddNiftiVerdict
{
    /// <summary>Odd but valid: reads as the base image's voxels.</summary>
    Reads,

    /// <summary>Damaged or inconsistent: refused, exit 1.</summary>
    Corrupt,

    /// <summary>A well-formed file of a kind this library does not load (1-D, RGB, complex): refused, exit 1.</summary>
    Unsupported,
}
