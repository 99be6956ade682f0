using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Components;
using Pipeline.Configuration;
using Pipeline.Configuration.Registry;
using Pipeline.Data;

namespace Pipeline.Tests.Configuration.Registry;

/// <summary>Test-only components with args of every bindable kind, registered one by one so other tests' components never interfere.</summary>
public static class TestComponents
{
    /// <summary>The well-formed test components (no name clashes).</summary>
    public static readonly Type[] All =
        [typeof(FakeTypedTransform), typeof(FakeScanWindowInferer), typeof(FakeServiceTransform), typeof(FakeCheckpointLoader), typeof(FakeDice)];

    /// <summary>A provider holding <see cref="All"/>, with extra services from <paramref name="configure"/>.</summary>
    public static ServiceProvider BuildServices(Action<IServiceCollection>? configure = null)
    {
        var services = new ServiceCollection().AddPipelineComponentTypes(ComponentSource.BuiltIn, All);
        configure?.Invoke(services);
        return services.BuildServiceProvider();
    }

    /// <summary>A spec as the Documents layer would produce it.</summary>
    public static ComponentSpec Spec(ComponentKind kind, string? name, string args = "{}", string jsonPath = "train.pre_transforms[0]", string? path = null) => new()
    {
        Kind = kind,
        Name = name,
        Path = path,
        Args = JsonNode.Parse(args)!.AsObject(),
        File = "config_train.json",
        JsonPath = jsonPath,
    };
}

/// <summary>Interpolation choices, to test enum binding.</summary>
public enum FakeMode
{
    /// <summary>Nearest neighbour.</summary>
    NearestNeighbor,
    /// <summary>Linear.</summary>
    Linear,
}

/// <summary>A transform taking one arg of every bindable kind.</summary>
[Component(ComponentKind.Transform, "FakeTypedTransform")]
public sealed class FakeTypedTransform(
    string[] fields,
    int size,
    double scale = 1.5,
    bool enabled = true,
    long[]? roiSize = null,
    FakeMode mode = FakeMode.Linear,
    int? seed = null,
    JsonObject? extra = null,
    [Arg("group_norm", "use_group_normG", Description = "use group normalisation")] bool groupNorm = false,
    float[]? weights = null,
    string? note = null,
    Dictionary<string, int>? labels = null,
    IReadOnlyList<string>? keys = null,
    double[]? pixdim = null) : ITransform
{
    public string[] Fields { get; } = fields;
    public int Size { get; } = size;
    public double Scale { get; } = scale;
    public bool Enabled { get; } = enabled;
    public long[]? RoiSize { get; } = roiSize;
    public FakeMode Mode { get; } = mode;
    public int? Seed { get; } = seed;
    public JsonObject? Extra { get; } = extra;
    public bool GroupNorm { get; } = groupNorm;
    public float[]? Weights { get; } = weights;
    public string? Note { get; } = note;
    public Dictionary<string, int>? Labels { get; } = labels;
    public IReadOnlyList<string>? Keys { get; } = keys;
    public double[]? Pixdim { get; } = pixdim;

    public bool IsDeterministic => true;

    public void Apply(TransformContext context) { }
}

/// <summary>An inferer with an alias whose constructor validates its args in each of the ways the factory maps.</summary>
[Component(ComponentKind.Inferer, "FakeScanWindowInferer", "TFFakeScanWindowInferer")]
public sealed class FakeScanWindowInferer
{
    public FakeScanWindowInferer(int[] roiSize, int batchSize = 1)
    {
        for (var i = 0; i < roiSize.Length; i++)
            if (roiSize[i] <= 0) throw new ConfigArgException($"roi_size[{i}]", $"must be positive, got {roiSize[i]}");
        if (batchSize > 64) throw new ArgumentOutOfRangeException(nameof(batchSize), "at most 64 windows per batch");
        if (batchSize == 13) throw new ArgumentException("thirteen windows is not allowed");
        if (roiSize.Length == 7) throw new InvalidOperationException("seven axes are too many");
        RoiSize = roiSize;
        BatchSize = batchSize;
    }

    public int[] RoiSize { get; }
    public int BatchSize { get; }
}

/// <summary>A clock-like service a component can ask for.</summary>
public interface IFakeClock
{
    /// <summary>A fixed instant.</summary>
    DateTime Now { get; }
}

/// <summary>A transform whose constructor takes services from DI besides its config arg.</summary>
[Component(ComponentKind.Transform, "FakeServiceTransform")]
public sealed class FakeServiceTransform(IFakeClock clock, ComponentRegistry registry, double offset = 0) : ITransform
{
    public IFakeClock Clock { get; } = clock;
    public ComponentRegistry Registry { get; } = registry;
    public double Offset { get; } = offset;
    public bool IsDeterministic => true;
    public void Apply(TransformContext context) { }
}

/// <summary>A model loader with a file arg that must exist.</summary>
[Component(ComponentKind.ModelLoader, "FakeCheckpointLoader")]
public sealed class FakeCheckpointLoader([ExistingFile] string checkpointFile)
{
    public string CheckpointFile { get; } = checkpointFile;
}

/// <summary>A metric, to test names used in a section of another kind.</summary>
[Component(ComponentKind.Metric, "FakeDice")]
public sealed class FakeDice(string field = "model", bool isKeyMetric = false)
{
    public string Field { get; } = field;
    public bool IsKeyMetric { get; } = isKeyMetric;
}

/// <summary>Claims a name that <see cref="TwinTransformB"/> also claims; only used by the duplicate-name test.</summary>
[Component(ComponentKind.Transform, "Twin")]
public sealed class TwinTransformA : ITransform
{
    public bool IsDeterministic => true;
    public void Apply(TransformContext context) { }
}

/// <summary>See <see cref="TwinTransformA"/>.</summary>
[Component(ComponentKind.Transform, "TwinB", "Twin")]
public sealed class TwinTransformB : ITransform
{
    public bool IsDeterministic => true;
    public void Apply(TransformContext context) { }
}

/// <summary>Has two equally wide constructors: a declaration error.</summary>
[Component(ComponentKind.Transform, "Ambiguous")]
public sealed class AmbiguousConstructors
{
    public AmbiguousConstructors(int a) => _ = a;
    public AmbiguousConstructors(string b) => _ = b;
}
