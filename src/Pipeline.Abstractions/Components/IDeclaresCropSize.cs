namespace Pipeline.Components;

/// <summary>A transform that cuts a fixed spatial size (a crop), so the network's input contract can be checked against it before a run.</summary>
public interface IDeclaresCropSize
{
    /// <summary>The size as configured: one entry per spatial axis, or a single entry for every axis.</summary>
    IReadOnlyList<int> CropSize { get; }

    /// <summary>The config arg that gives the size, for the JSON path of a problem.</summary>
    string CropSizeArg => "size";
}
