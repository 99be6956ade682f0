using System.Text;

namespace Pipeline.Networks.Weights;

/// <summary>Orders strings by their UTF-8 bytes, as Rust's String ordering does (UTF-16 ordinal differs above U+D7FF).</summary>
internal sealed class Utf8Comparer : IComparer<string>
{
    public static readonly Utf8Comparer Instance = new();

    public int Compare(string? x, string? y) =>
        Encoding.UTF8.GetBytes(x ?? "").AsSpan().SequenceCompareTo(Encoding.UTF8.GetBytes(y ?? ""));
}
