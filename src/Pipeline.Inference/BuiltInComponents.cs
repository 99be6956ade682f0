using System.Reflection;

namespace Pipeline.Inference;

/// <summary>The assemblies whose components ship with mmar: what the registry holds before any plugin.</summary>
public static class BuiltInComponents
{
    /// <summary>Every built-in component assembly.</summary>
    public static IReadOnlyList<Assembly> Assemblies { get; } =
    [
        typeof(Transforms.Intensity.ScaleIntensityRange).Assembly,
        typeof(Networks.Models.SegResnet).Assembly,
        typeof(Inferers.ScanWindowInferer).Assembly,
        typeof(Workflows.ModelLoaders.CheckpointLoader).Assembly,
        typeof(Training.Losses.DiceLoss).Assembly,
    ];
}
