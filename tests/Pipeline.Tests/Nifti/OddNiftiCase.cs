namespace Pipeline.Tests.Nifti;

/// <summary>One file (or header/image pair) of the odd-NIfTI corpus, written into a folder at run time, and the outcome it must have.</summary>
/// <param name="Name">Readable, unique; also the file's stem.</param>
/// <param name="Verdict">Whether it must read or be refused.</param>
/// <param name="Write">Writes the file(s) into the folder given and returns the path to pass to mmar.</param>
/// <param name="Problem">For refused files, a phrase the error must contain.</param>
/// <param name="Warning">For files that read, a phrase a "warning: " line must contain; null: no warning may be printed.</param>
/// <param name="Values">How a base voxel value appears after reading (e.g. scaled); null: unchanged.</param>
/// <param name="Names">The file name (in the folder) an error must name; null: the file passed.</param>
internal sealed record OddNiftiCase(
    string Name,
    OddNiftiVerdict Verdict,
    Func<string, string> Write,
    string? Problem = null,
    string? Warning = null,
    Func<double, double>? Values = null,
    string? Names = null)
{
    public override string ToString() => Name;
}
