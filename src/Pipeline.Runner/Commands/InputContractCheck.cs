using System.Text.Json;
using System.Text.Json.Nodes;
using Pipeline.Configuration;
using Pipeline.Configuration.Documents;
using Pipeline.Networks;
using Pipeline.Networks.Checkpoints;

namespace Pipeline.Runner.Commands;

/// <summary>Checks the sizes a config feeds its network — training crop, validation <c>roi_size</c>, <c>dynamic_input_shape</c> — against the network's input contract.</summary>
/// <remarks>
/// Clara semantics (catalog §5.3): with <c>dynamic_input_shape: false</c> the network is built for the training crop, so the
/// validation window must be that crop; with <c>true</c> any legal window works, but only networks that support it may say so.
/// </remarks>
public static class InputContractCheck
{
    private const string DynamicInputShape = "dynamic_input_shape";

    /// <summary>Checks <paramref name="config"/>; <paramref name="constructed"/> holds the components <c>check</c> built, by JSON path.</summary>
    public static void Run(MmarConfig config, IReadOnlyDictionary<string, object> constructed, ConfigProblems problems)
    {
        if (config.Kind == ConfigKind.Train) CheckTraining(config, constructed, problems);
        else CheckEvaluation(config, problems);
    }

    private static void CheckTraining(MmarConfig config, IReadOnlyDictionary<string, object> constructed, ConfigProblems problems)
    {
        if (!constructed.TryGetValue("train.model", out var model) || model is not INetwork network) return;
        var name = config.Component("train.model")?.DisplayName ?? "the network";
        var contract = network.InputContract;
        var dynamic = config.Globals.Contains(DynamicInputShape) && config.Globals.GetBoolean(DynamicInputShape, false);

        if (dynamic && !contract.SupportsDynamicShape)
            problems.Error(config.File, DynamicInputShape,
                $"{name} has a fixed input shape: it is built for the training crop and cannot accept other sizes, so dynamic_input_shape must be false. " +
                "Set dynamic_input_shape to false and validate.inferer.args.roi_size equal to the training crop, or use a dynamic-shape model (SegAhnet, Unet, UNet3D, SwinUNETR)");

        var crop = TrainingCrop(config);
        if (crop is { } c)
        {
            var problem = contract.ExplainSize(c.Size.Select(s => s <= 0 ? FirstLegal(contract) : s).ToArray());
            if (problem is not null)
                problems.Error(config.File, c.Path, $"the training crop [{Format(c.Size)}] does not fit {name}: {problem}");
        }

        var roi = SizeArg(config.Component("validate.inferer"), "roi_size");
        if (roi is not { } r) return;
        if (!dynamic || !contract.SupportsDynamicShape)
        {
            if (crop is { } fixedCrop && fixedCrop.Size.All(s => s > 0) && !r.Size.SequenceEqual(fixedCrop.Size))
                problems.Error(config.File, r.Path,
                    $"roi_size [{Format(r.Size)}] differs from the training crop [{Format(fixedCrop.Size)}] ({fixedCrop.Path}), but the network has a fixed input shape " +
                    (dynamic ? $"({name} does not support dynamic_input_shape)" : "(dynamic_input_shape is false)") +
                    $"; set roi_size to [{Format(fixedCrop.Size)}]" + (contract.SupportsDynamicShape ? " or dynamic_input_shape to true" : ""));
            return;
        }
        CheckWindow(config.File, r, contract, name, problems);
    }

    private static void CheckEvaluation(MmarConfig config, ConfigProblems problems)
    {
        if (CheckpointPath(config) is not { } path || !File.Exists(path)) return;
        InputContract contract;
        NetworkSpec network;
        try
        {
            (network, contract, _) = CheckpointFile.ReadDescription(path);
        }
        catch (CheckpointFormatException)
        {
            return; // The model loader reports unreadable checkpoints itself, with its own advice.
        }
        if (SizeArg(config.Component("inferer"), "roi_size") is { } roi)
            CheckWindow(config.File, roi, contract, $"{network.Name} (checkpoint {path})", problems);
    }

    private static void CheckWindow(string file, (int[] Size, string Path) roi, InputContract contract, string name, ConfigProblems problems)
    {
        if (roi.Size.Length != contract.SpatialDims)
        {
            problems.Error(file, roi.Path, $"roi_size has {roi.Size.Length} entries but {name} is {contract.SpatialDims}-D");
            return;
        }
        // Entries ≤ 0 take the whole image axis, whose size is known only at run time.
        var probe = roi.Size.Select(s => s <= 0 ? FirstLegal(contract) : s).ToArray();
        if (contract.FixedShape is { } fixedShape)
        {
            if (!roi.Size.SequenceEqual(fixedShape))
                problems.Error(file, roi.Path, $"roi_size [{Format(roi.Size)}] differs from the shape [{Format(fixedShape)}] {name} was trained for; a fixed-shape network accepts only that shape");
            return;
        }
        var problem = contract.ExplainSize(probe);
        if (problem is not null) problems.Error(file, roi.Path, $"roi_size [{Format(roi.Size)}] does not fit {name}: {problem}");
    }

    private static (int[] Size, string Path)? TrainingCrop(MmarConfig config)
    {
        if (SizeArg(config.Component("train.image_pipeline"), "output_crop_size") is { } fromPipeline) return fromPipeline;
        // Without a pipeline crop, the last cropping transform decides the network input.
        return config.Components("train.pre_transforms")
            .Where(s => !s.Disabled && (s.Name ?? s.Path ?? "").Contains("Crop", StringComparison.OrdinalIgnoreCase))
            .Select(s => SizeArg(s, "size"))
            .LastOrDefault(s => s is not null);
    }

    private static (int[] Size, string Path)? SizeArg(ComponentSpec? spec, string arg)
    {
        if (spec is null || spec.Disabled || spec.Args[arg] is not JsonArray array || array.Count == 0) return null;
        var size = new int[array.Count];
        for (var i = 0; i < array.Count; i++)
        {
            if (array[i] is not JsonValue value || value.GetValueKind() != JsonValueKind.Number || !value.TryGetValue<int>(out size[i]))
                return null; // Not a list of integers: the component's own binding reports it.
        }
        return (size, JsonPaths.Property(JsonPaths.Property(spec.JsonPath, "args"), arg));
    }

    private static string? CheckpointPath(MmarConfig config)
    {
        var loader = config.Component("model_loader");
        if (loader is null || loader.Disabled) return null;
        string? path = null;
        if (loader.Args["model_file_path"] is JsonValue file && file.TryGetValue<string>(out var f)) path = f;
        else if (loader.Args["checkpoint_dir"] is JsonValue dir && dir.TryGetValue<string>(out var d))
            path = Path.Combine(d, loader.Args["checkpoint_file_prefix"] is JsonValue prefix && prefix.TryGetValue<string>(out var p) ? p : "model.ckpt");
        return path is null ? null : Path.IsPathRooted(path) ? path : Path.Combine(config.MmarRoot, path);
    }

    // A stand-in for a size known only at run time, legal on every axis, so that only the known axes are judged.
    private static int FirstLegal(InputContract contract)
    {
        if (contract.ValidPaddingLevels > 0) return ValidPaddingUNetSize.NearestLegal(0, contract.ValidPaddingLevels).Above;
        var divisor = contract.Divisors.Max();
        var minimum = contract.MinimumSize?.Max() ?? divisor;
        return (minimum + divisor - 1) / divisor * divisor;
    }

    private static string Format(IEnumerable<int> size) => string.Join(", ", size);
}
