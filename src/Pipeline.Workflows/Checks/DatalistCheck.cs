using Pipeline.Components;
using Pipeline.Configuration;
using Pipeline.Configuration.Documents;
using Pipeline.Networks;
using Pipeline.ImageIO.Nifti;

namespace Pipeline.Workflows.Checks;

/// <summary>Checks a data list a workflow reads: every file exists and is a file, and the first item's image headers (not its voxels) fit the network.</summary>
public static class DatalistCheck
{
    private const int MaxMissingReported = 10;
    private const string ImageField = "image";

    /// <summary>Checks <paramref name="items"/> of <paramref name="datalistFile"/>; <paramref name="chain"/> is what turns an item into the network's input, <paramref name="contract"/> what the network accepts (null: unknown).</summary>
    public static void Run(string datalistFile, IReadOnlyList<DatalistItem> items, IReadOnlyList<BuiltStep> chain, InputContract? contract, string network,
        ConfigProblems problems)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(chain);
        ArgumentNullException.ThrowIfNull(problems);
        // What a loader reads must be a file path (or a list of them) in every item, not another JSON value.
        var loaded = chain.Where(s => s.Component is ILoadsFiles and IDeclaresFields).SelectMany(s => ((IDeclaresFields)s.Component).ReadsFields).ToHashSet(StringComparer.Ordinal);
        var wrong = 0;
        foreach (var item in items)
            foreach (var field in loaded)
                if (item.TryGetValue(field, out var value) && ++wrong <= MaxMissingReported)
                    problems.Error(datalistFile, JsonPaths.Property(item.JsonPath, field),
                        $"found {ValueShapes.DescribeFound(value)}; accepted: a file path, or a list of file paths (one per channel)");
        if (wrong > 0) return;
        // DICOM-capable loaders take a folder holding a series.
        var folders = chain.Where(s => s.Component is ILoadsFiles { AcceptsFolders: true } and IDeclaresFields)
            .SelectMany(s => ((IDeclaresFields)s.Component).ReadsFields).ToHashSet(StringComparer.Ordinal);
        var missing = 0;
        foreach (var item in items)
            foreach (var (field, _) in item.Files)
            {
                if (!item.TryGetPaths(field, out var paths)) continue;
                foreach (var path in paths)
                {
                    var problem = Directory.Exists(path) ? (folders.Contains(field) ? null : "is a folder, not an image file (LoadImage and LoadDicom read a DICOM folder)")
                        : !File.Exists(path) ? "does not exist"
                        : null;
                    if (problem is null) continue;
                    if (++missing <= MaxMissingReported)
                        problems.Error(datalistFile, JsonPaths.Property(item.JsonPath, field), $"{path} {problem}");
                }
            }
        if (missing > MaxMissingReported)
            problems.Error(datalistFile, "", $"{missing - MaxMissingReported} more missing file(s) not listed");
        if (missing > 0 || items.Count == 0) return;

        var first = items[0];
        if (!first.TryGetPaths(ImageField, out var images) || !images.All(NiftiFileName.IsNifti)) return;
        var channels = 0L;
        var spatialRank = 0;
        foreach (var path in images)
        {
            NiftiHeader header;
            try
            {
                header = NiftiReader.ReadHeader(path);
            }
            catch (Exception e) when (e is NiftiFormatException or IOException or InvalidDataException or UnauthorizedAccessException)
            {
                problems.Error(datalistFile, JsonPaths.Property(first.JsonPath, ImageField), $"{path} cannot be read as NIfTI: {e.Message}");
                return;
            }
            // Dimensions 4 and up of a file are its channels, as LoadNifti reads them.
            spatialRank = Math.Min(header.Rank, 3);
            channels += header.Shape.Skip(3).Aggregate(1L, (a, b) => a * b);
        }
        if (contract is null || chain.Any(s => s.Component is IChangesChannels or not IDeclaresFields)) return;
        if (channels != contract.InChannels)
            problems.Error(datalistFile, JsonPaths.Property(first.JsonPath, ImageField),
                $"the image has {channels} channel(s) ({string.Join(", ", images.Select(Path.GetFileName))}) but {network} takes in_channels {contract.InChannels}; " +
                "list one file per channel in the item's image field, or set the network's in_channels");
        else if (spatialRank != contract.SpatialDims && !(spatialRank == 3 && contract.SpatialDims == 2))
            problems.Error(datalistFile, JsonPaths.Property(first.JsonPath, ImageField),
                $"the image has {spatialRank} spatial axes ({Path.GetFileName(images[0])}) but {network} is {contract.SpatialDims}-D");
    }
}
