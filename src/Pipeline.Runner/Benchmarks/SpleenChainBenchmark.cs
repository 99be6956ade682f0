using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Components;
using Pipeline.Configuration;
using Pipeline.Configuration.Binding;
using Pipeline.Configuration.Registry;
using Pipeline.Data;
using Pipeline.Imaging;
using Pipeline.ImageIO.Nifti;
using TorchSharp;
using static TorchSharp.torch;
using Pipeline.Inference;

namespace Pipeline.Runner.Benchmarks;

/// <summary>Times the per-volume pre-transform chain of a spleen CT MMAR, built from config specs exactly as a config would build it.</summary>
public static class SpleenChainBenchmark
{
    /// <summary>The chain, as a Clara config writes it.</summary>
    public const string ChainJson = """
    [
      { "name": "LoadNifti", "args": { "fields": ["image", "label"] } },
      { "name": "ConvertToChannelsFirst", "args": { "fields": ["image", "label"] } },
      { "name": "Orientation", "args": { "fields": ["image", "label"], "axcodes": "RAS" } },
      { "name": "ScaleByResolution#ScaleImg", "args": { "fields": "image", "target_resolution": [1.0, 1.0, 1.0] } },
      { "name": "ScaleByResolution#ScaleLb", "args": { "fields": "label", "target_resolution": [1.0, 1.0, 1.0], "is_label": true } },
      { "name": "ScaleIntensityRange", "args": { "fields": "image", "a_min": -57, "a_max": 164, "b_min": 0.0, "b_max": 1.0, "clip": true } },
      { "name": "CropForegroundObject", "args": { "fields": ["image", "label"], "label_field": "label" } },
      { "name": "FastCropByPosNegRatio", "args": { "size": [96, 96, 96], "fields": ["image", "label"], "label_field": "label", "pos": 1, "neg": 1, "batch_size": 4 } }
    ]
    """;

    /// <summary>Runs the chain on <paramref name="volumes"/> samples of a synthetic 512×512×32 CT (0.79×0.79×7.5 mm) and prints per-stage and per-volume times.</summary>
    public static void Run(int volumes, TextWriter output)
    {
        var dir = Path.Combine(Path.GetTempPath(), $"mmar-bench-chain-{Environment.ProcessId}");
        Directory.CreateDirectory(dir);
        try
        {
            var (imagePath, labelPath) = WriteVolumePair(dir);
            using var services = PipelineServices.Build(BuiltInComponents.Assemblies, []);
            var factory = services.GetRequiredService<ComponentFactory>();
            var problems = new ConfigProblems();
            var specs = JsonNode.Parse(ChainJson)!.AsArray().Select((node, i) => ToSpec(node!.AsObject(), i)).ToList();
            var transforms = factory.CreateAll<ITransform>(specs, problems);
            problems.ThrowIfErrors();

            var stageSeconds = new double[transforms.Count];
            var totals = new List<double>();
            for (var v = -1; v < volumes; v++) // v = −1 warms up
            {
                using var context = new TransformContext(new SampleInfo(Math.Max(v, 0), imagePath, Seed: 1));
                context.Set("image", imagePath);
                context.Set("label", labelPath);
                var total = Stopwatch.StartNew();
                for (var t = 0; t < transforms.Count; t++)
                {
                    var watch = Stopwatch.StartNew();
                    context.Position = t;
                    transforms[t].Apply(context);
                    if (v >= 0) stageSeconds[t] += watch.Elapsed.TotalSeconds;
                }
                if (v >= 0) totals.Add(total.Elapsed.TotalSeconds);
                if (v == volumes - 1)
                    output.WriteLine($"last sample: image {Describe(context.Get("image"))}, label {Describe(context.Get("label"))}");
            }

            output.WriteLine($"chain of {transforms.Count} transforms on a 512×512×32 int16 CT at 0.79×0.79×7.5 mm, {volumes} volume(s), torch threads {get_num_threads()}:");
            for (var t = 0; t < transforms.Count; t++)
                output.WriteLine($"  {specs[t].DisplayName,-24} {stageSeconds[t] / volumes,8:0.000} s");
            totals.Sort();
            output.WriteLine($"per volume: mean {totals.Average():0.000} s, median {totals[totals.Count / 2]:0.000} s, min {totals[0]:0.000} s");
            output.WriteLine($"peak RSS: {ProcessMemory.PeakResidentBytes() / 1e6:0} MB");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static ComponentSpec ToSpec(JsonObject node, int index)
    {
        var name = node["name"]!.GetValue<string>().Split('#');
        return new ComponentSpec
        {
            Kind = ComponentKind.Transform,
            Name = name[0],
            Alias = name.Length > 1 ? name[1] : null,
            Args = node["args"]!.DeepClone().AsObject(),
            File = "(bench)",
            JsonPath = $"pre_transforms[{index}]",
        };
    }

    private static (string Image, string Label) WriteVolumePair(string dir)
    {
        var spacing = new[] { 0.79, 0.79, 7.5 };
        var image = Path.Combine(dir, "spleen_image.nii.gz");
        var label = Path.Combine(dir, "spleen_label.nii.gz");
        using (var ct = SyntheticVolume.CtLike([512, 512, 32], spacing, seed: 3))
        {
            NiftiWriter.Write(ct, image);
            using var scope = NewDisposeScope();
            using var threshold = 80.ToScalar();
            // The "spleen": voxels of the synthetic organ blob (HU raised by 60 over soft tissue).
            var organ = ct.Data.gt(threshold).to_type(ScalarType.Byte);
            using var mask = new MedicalImage(organ.MoveToOuterDisposeScope(), ct.Affine);
            NiftiWriter.Write(mask, label);
        }
        return (image, label);
    }

    private static string Describe(object? value) => value switch
    {
        MedicalImage m => m.ToString(),
        ImageBatch b => $"{b.Items.Count} × {b.Items[0]}",
        _ => value?.ToString() ?? "(none)",
    };
}
