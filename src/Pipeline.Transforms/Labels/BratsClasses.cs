using Pipeline.Components;
using Pipeline.Native;
using static TorchSharp.torch;

namespace Pipeline.Transforms.Labels;

/// <summary>The three BraTS tumour regions built from the BraTS label values 1 (necrotic / non-enhancing core), 2 (oedema) and 4 (enhancing tumour).</summary>
public enum BratsClass
{
    /// <summary>TC, tumour core: labels 1 and 4.</summary>
    TumorCore,
    /// <summary>WT, whole tumour: labels 1, 2 and 4.</summary>
    WholeTumor,
    /// <summary>ET, enhancing tumour: label 4.</summary>
    EnhancingTumor,
}

/// <summary>Names and masks of the BraTS regions, as MONAI's <c>ConvertToMultiChannelBasedOnBratsClasses</c> defines them (channel order TC, WT, ET).</summary>
public static class BratsClasses
{
    /// <summary>The standard classes in channel order.</summary>
    public static IReadOnlyList<BratsClass> Standard { get; } = [BratsClass.TumorCore, BratsClass.WholeTumor, BratsClass.EnhancingTumor];

    /// <summary>The config spellings of the standard classes, in channel order.</summary>
    public static IReadOnlyList<string> StandardNames { get; } = ["TC", "WT", "ET"];

    /// <summary>Reads class names (TC, WT — or WC as Clara's docs spell it — and ET, any case) from arg <paramref name="arg"/>.</summary>
    /// <exception cref="ConfigArgException">A name is unknown, repeated, or the list is empty.</exception>
    public static BratsClass[] Parse(IReadOnlyList<string>? names, string arg = "class_names")
    {
        if (names is null) return [.. Standard];
        if (names.Count == 0) throw new ConfigArgException(arg, "name at least one BraTS class (TC, WT, ET)");
        var classes = new BratsClass[names.Count];
        for (var i = 0; i < names.Count; i++)
        {
            classes[i] = names[i].Trim().ToUpperInvariant() switch
            {
                "TC" => BratsClass.TumorCore,
                "WT" or "WC" => BratsClass.WholeTumor,
                "ET" => BratsClass.EnhancingTumor,
                _ => throw new ConfigArgException($"{arg}[{i}]", $"unknown BraTS class '{names[i]}'; accepted: TC (tumour core), WT (whole tumour, also WC), ET (enhancing tumour)"),
            };
            if (Array.IndexOf(classes, classes[i], 0, i) >= 0)
                throw new ConfigArgException($"{arg}[{i}]", $"BraTS class '{names[i]}' is named twice");
        }
        return classes;
    }

    /// <summary>The config name of a class (TC, WT, ET).</summary>
    public static string Name(BratsClass c) => StandardNames[StandardIndex(c)];

    /// <summary>Position of the class among the channels TC, WT, ET.</summary>
    public static int StandardIndex(BratsClass c) => c switch
    {
        BratsClass.TumorCore => 0,
        BratsClass.WholeTumor => 1,
        BratsClass.EnhancingTumor => 2,
        _ => throw new ArgumentOutOfRangeException(nameof(c)),
    };

    /// <summary>The boolean mask of class <paramref name="c"/> in a BraTS label map (any shape, values 0, 1, 2, 4).</summary>
    public static Tensor Mask(Tensor labels, BratsClass c)
    {
        using var scope = NewDisposeScope();
        var mask = c switch
        {
            BratsClass.TumorCore => labels.EqualTo(1).logical_or(labels.EqualTo(4)),
            BratsClass.WholeTumor => labels.EqualTo(1).logical_or(labels.EqualTo(2)).logical_or(labels.EqualTo(4)),
            BratsClass.EnhancingTumor => labels.EqualTo(4),
            _ => throw new ArgumentOutOfRangeException(nameof(c)),
        };
        return mask.MoveToOuterDisposeScope();
    }
}
