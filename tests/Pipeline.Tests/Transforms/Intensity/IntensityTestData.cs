using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Components;
using Pipeline.Configuration;
using Pipeline.Configuration.Binding;
using Pipeline.Configuration.Registry;
using Pipeline.Data;
using Pipeline.Imaging;
using static TorchSharp.torch;

namespace Pipeline.Tests.Transforms.Intensity;

/// <summary>Images, contexts and helpers shared by the intensity and loading transform tests.</summary>
internal static class IntensityTestData
{
    /// <summary>A non-trivial affine, so losing or changing it shows.</summary>
    public static AffineMatrix Affine { get; } = AffineMatrix.FromRowMajor([-0.8, 0, 0, 12.5, 0, 1.2, 0, -40, 0, 0, 2.5, 7, 0, 0, 0, 1]);

    /// <summary>Properties as a loader would set them.</summary>
    public static ImageProperties Properties { get; } = new()
    {
        SourceFiles = ["/data/case_07.nii.gz"],
        OriginalAffine = AffineMatrix.Diagonal(2, 2, 2),
        OriginalSpatialShape = [10, 11, 12],
    };

    /// <summary>An image owning <paramref name="data"/>, with <see cref="Affine"/> and <see cref="Properties"/>.</summary>
    public static MedicalImage Image(Tensor data) => new(data, Affine, Properties);

    /// <summary>Reproducible float32 values in [<paramref name="low"/>, <paramref name="high"/>) of the given shape.</summary>
    public static Tensor Uniform(long[] shape, double low = 0, double high = 100, ulong seed = 11)
    {
        using var generator = new Generator(seed);
        using var unit = rand(shape, ScalarType.Float32, generator: generator);
        return unit.mul(high - low).add_(low);
    }

    /// <summary>A context for sample <paramref name="index"/> of run seed <paramref name="seed"/> at <paramref name="epoch"/>, holding the given fields.</summary>
    public static TransformContext Context(int index, long seed, int epoch, params (string Field, object Value)[] fields)
    {
        var context = new TransformContext(new SampleInfo(index, $"/data/case_{index:00}.nii.gz", seed, epoch)) { Position = 2 };
        foreach (var (field, value) in fields) context.Set(field, value);
        return context;
    }

    /// <summary>A context for sample 3, seed 7, epoch 0.</summary>
    public static TransformContext Context(params (string Field, object Value)[] fields) => Context(3, 7, 0, fields);

    /// <summary>The values of a tensor as float64, in C order.</summary>
    public static double[] Values(Tensor t)
    {
        using var f = t.to_type(ScalarType.Float64).contiguous();
        return f.data<double>().ToArray();
    }

    /// <summary>The data of the image in <paramref name="field"/>.</summary>
    public static Tensor DataOf(TransformContext context, string field) => context.GetImage(field, "test").Data;

    /// <summary>True when both tensors have one shape and identical values.</summary>
    public static bool Identical(Tensor a, Tensor b)
    {
        if (!a.shape.SequenceEqual(b.shape)) return false;
        using var x = a.to_type(ScalarType.Float64);
        using var y = b.to_type(ScalarType.Float64);
        using var eq = x.eq(y);
        using var all = eq.all();
        return all.item<bool>();
    }

    /// <summary>Largest absolute difference of two same-shaped tensors.</summary>
    public static double MaxAbsDifference(Tensor a, Tensor b)
    {
        if (!a.shape.SequenceEqual(b.shape)) throw new ArgumentException($"shapes differ: [{string.Join(", ", a.shape)}] vs [{string.Join(", ", b.shape)}]");
        using var x = a.to_type(ScalarType.Float64);
        using var y = b.to_type(ScalarType.Float64);
        using var d = x.sub(y).abs_();
        using var m = d.max();
        return m.item<double>();
    }

    /// <summary>Creates a transform from its config name and JSON args the way the config engine does; throws with the problems when that fails.</summary>
    public static ITransform FromConfig(string name, string argsJson, params Type[] types)
    {
        var problems = new ConfigProblems();
        var transform = TryFromConfig(name, argsJson, problems, types);
        if (transform is null) throw new InvalidOperationException(string.Join(Environment.NewLine, problems.Items));
        return transform;
    }

    /// <summary>Creates a transform from config, recording problems instead of throwing.</summary>
    public static ITransform? TryFromConfig(string name, string argsJson, ConfigProblems problems, params Type[] types)
    {
        var services = new ServiceCollection();
        services.AddPipelineComponentTypes(ComponentSource.BuiltIn, types);
        using var provider = services.BuildServiceProvider();
        var factory = provider.GetRequiredService<ComponentFactory>();
        var spec = new ComponentSpec
        {
            Kind = ComponentKind.Transform,
            Name = name,
            Args = (JsonObject)JsonNode.Parse(argsJson)!,
            File = "config_train.json",
            JsonPath = "train.pre_transforms[0]",
        };
        return factory.Create<ITransform>(spec, problems);
    }
}
