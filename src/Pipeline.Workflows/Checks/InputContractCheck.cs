using Pipeline.Components;
using Pipeline.Configuration;
using Pipeline.Configuration.Documents;
using Pipeline.Inferers;
using Pipeline.Networks;

namespace Pipeline.Workflows.Checks;

/// <summary>Checks the sizes a workflow feeds its network — training crop, validation window, <c>dynamic_input_shape</c> — against the network's input contract.</summary>
/// <remarks>
/// Clara semantics (catalog §5.3): with <c>dynamic_input_shape: false</c> the network is built for the training crop, so the
/// validation window must be that crop; with <c>true</c> any legal window works, but only networks that support it may say so.
/// Every size is read from the built components, so a value the binder accepts in any form is judged as the run will use it.
/// </remarks>
public static class InputContractCheck
{
    /// <summary>The training crop and <c>dynamic_input_shape</c> against <paramref name="contract"/>.</summary>
    public static void Training(string file, string network, InputContract contract, bool dynamic, SizeArg? crop, ConfigProblems problems)
    {
        ArgumentNullException.ThrowIfNull(contract);
        ArgumentNullException.ThrowIfNull(problems);
        if (dynamic && !contract.SupportsDynamicShape)
            problems.Error(file, "dynamic_input_shape",
                $"{network} has a fixed input shape: it is built for the training crop and cannot accept other sizes, so dynamic_input_shape must be false. " +
                "Set dynamic_input_shape to false and validate.inferer.args.roi_size equal to the training crop, or use a dynamic-shape model (SegAhnet, Unet, UNet3D, SwinUNETR)");
        if (crop is null) return;
        var problem = contract.ExplainSize(Expand(crop.Size, contract).Select(s => s <= 0 ? FirstLegal(contract) : s).ToArray());
        if (problem is not null) problems.Error(file, crop.JsonPath, $"the training crop [{crop.Text}] does not fit {network}: {problem}");
    }

    /// <summary>
    /// The windows <paramref name="inferer"/> will give the network. <paramref name="trainingCrop"/> is the shape a fixed-shape network is
    /// built for during training (null in an evaluation, where the contract carries it); <paramref name="chainCrop"/> is the last crop of
    /// the chain that feeds the inferer, the only size a <see cref="SimpleInferer"/> can rely on, since validation passes whole images.
    /// </summary>
    public static void Inferer(string file, string network, InputContract contract, bool dynamic, SizeArg? trainingCrop, BuiltStep? inferer,
        SizeArg? chainCrop, ConfigProblems problems)
    {
        ArgumentNullException.ThrowIfNull(contract);
        ArgumentNullException.ThrowIfNull(problems);
        if (inferer is null) return;
        var fixedShape = contract.FixedShape ?? (!contract.SupportsDynamicShape ? KnownCrop(trainingCrop, contract) : null);
        var infererArgs = JsonPaths.Property(inferer.Spec.JsonPath, "args");
        switch (inferer.Component)
        {
            case ScanWindowInferer window:
            {
                var roi = new SizeArg(window.RoiSize, JsonPaths.Property(infererArgs, "roi_size"));
                if (roi.Size.Count != contract.SpatialDims)
                {
                    problems.Error(file, roi.JsonPath, $"roi_size has {roi.Size.Count} entries but {network} is {contract.SpatialDims}-D");
                    return;
                }
                // Clara's static graph (dynamic_input_shape false) took only the crop; a network that accepts other sizes simply takes the window.
                if (fixedShape is null && !dynamic && KnownCrop(trainingCrop, contract) is { } crop && !roi.Size.SequenceEqual(crop))
                    problems.Warning(file, roi.JsonPath,
                        $"roi_size [{roi.Text}] differs from the training crop [{string.Join(", ", crop)}] while dynamic_input_shape is false; Clara's static graph " +
                        $"would only take the crop, but {network} accepts other sizes, so validation runs with [{roi.Text}] windows");
                if (fixedShape is not null)
                {
                    if (!roi.Size.SequenceEqual(fixedShape))
                        problems.Error(file, roi.JsonPath,
                            $"roi_size [{roi.Text}] differs from the shape [{string.Join(", ", fixedShape)}] {network} is built for " +
                            (trainingCrop is null ? "(it was trained for that shape)" : $"(the training crop, {trainingCrop.JsonPath})") +
                            $", and a fixed-shape network accepts only that shape; set roi_size to [{string.Join(", ", fixedShape)}]");
                    return;
                }
                if (roi.Size.Any(s => s <= 0) && contract.FixedShape is null && !contract.SupportsDynamicShape)
                    problems.Error(file, roi.JsonPath, $"roi_size [{roi.Text}] takes whole image axes, but {network} has a fixed input shape");
                var problem = contract.ExplainSize(roi.Size.Select(s => s <= 0 ? FirstLegal(contract) : s).ToArray());
                if (problem is not null) problems.Error(file, roi.JsonPath, $"roi_size [{roi.Text}] does not fit {network}: {problem}");
                return;
            }
            case SimpleInferer when fixedShape is not null:
            {
                var fits = chainCrop is not null && Expand(chainCrop.Size, contract) is var size && size.Length == fixedShape.Count &&
                           size.Zip(fixedShape).All(p => p.First > 0 && p.First <= p.Second);
                if (!fits)
                    problems.Error(file, inferer.Spec.JsonPath,
                        $"{inferer.Spec.DisplayName} gives {network} the whole validation image, but the network has a fixed input shape [{string.Join(", ", fixedShape)}]; " +
                        $"use ScanWindowInferer with roi_size [{string.Join(", ", fixedShape)}], or end the validation pre-transforms with a crop no larger than that shape");
                return;
            }
        }
    }

    // A crop given as one entry applies to every axis.
    private static int[] Expand(IReadOnlyList<int> size, InputContract contract) =>
        size.Count == 1 && contract.SpatialDims > 1 ? Enumerable.Repeat(size[0], contract.SpatialDims).ToArray() : [.. size];

    private static int[]? KnownCrop(SizeArg? crop, InputContract contract) =>
        crop is not null && Expand(crop.Size, contract) is var size && size.Length == contract.SpatialDims && size.All(s => s > 0) ? size : null;

    // A stand-in for a size known only at run time, legal on every axis, so that only the known axes are judged.
    private static int FirstLegal(InputContract contract)
    {
        if (contract.ValidPaddingLevels > 0) return ValidPaddingUNetSize.NearestLegal(0, contract.ValidPaddingLevels).Above;
        var divisor = contract.Divisors.Max();
        var minimum = contract.MinimumSize?.Max() ?? divisor;
        return (minimum + divisor - 1) / divisor * divisor;
    }

    /// <summary>The size of the last crop among <paramref name="steps"/>; null when none crops.</summary>
    public static SizeArg? LastCrop(IEnumerable<BuiltStep> steps) =>
        steps.Where(s => s.Component is IDeclaresCropSize).Select(s =>
        {
            var crop = (IDeclaresCropSize)s.Component;
            return new SizeArg(crop.CropSize, JsonPaths.Property(JsonPaths.Property(s.Spec.JsonPath, "args"), crop.CropSizeArg));
        }).LastOrDefault();
}
