using System.Runtime.InteropServices;
using System.Text.Json;
using NUnit.Framework;
using static TorchSharp.torch;

namespace Pipeline.Tests.Transforms.Intensity;

/// <summary>One golden case written by tools/fixtures/make_intensity_fixtures.py (numpy/scipy reference), read from Fixtures/transforms/intensity/cases.json.</summary>
internal sealed class IntensityFixture
{
    private static readonly JsonSerializerOptions Options = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public string Name { get; init; } = "";
    public string Kind { get; init; } = "";
    public Dictionary<string, double[]> Params { get; init; } = [];
    public long[] InputShape { get; init; } = [];
    public string Input { get; init; } = "";
    public long[] OutputShape { get; init; } = [];
    public string Output { get; init; } = "";
    public string? Field { get; init; }

    /// <summary>The folder the test build copies the fixtures into.</summary>
    public static string Folder => Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", "transforms", "intensity");

    /// <summary>Every case.</summary>
    public static IReadOnlyList<IntensityFixture> All() =>
        JsonSerializer.Deserialize<List<IntensityFixture>>(File.ReadAllText(Path.Combine(Folder, "cases.json")), Options)
        ?? throw new InvalidDataException("cases.json is empty");

    /// <summary>Names of the cases of one kind, for [TestCaseSource].</summary>
    public static IEnumerable<string> NamesOf(string kind) => All().Where(c => c.Kind == kind).Select(c => c.Name);

    /// <summary>The case called <paramref name="name"/>.</summary>
    public static IntensityFixture Named(string name) => All().Single(c => c.Name == name);

    /// <summary>The single value of a scalar parameter.</summary>
    public double Scalar(string name) => Params[name].Single();

    /// <summary>The input array, float64.</summary>
    public Tensor LoadInput() => Load(Input, InputShape);

    /// <summary>The reference output, float64.</summary>
    public Tensor LoadOutput() => Load(Output, OutputShape);

    /// <summary>The reference bias field (bias cases only), float64, shaped like the input's spatial axes.</summary>
    public Tensor LoadField() => Load(Field ?? throw new InvalidOperationException($"{Name} has no field"), InputShape[1..]);

    /// <summary>A float64 little-endian C-order file as a tensor of <paramref name="shape"/>.</summary>
    public static Tensor Load(string file, long[] shape, string? folder = null)
    {
        var bytes = File.ReadAllBytes(Path.Combine(folder ?? Folder, file));
        var values = MemoryMarshal.Cast<byte, double>(bytes).ToArray();
        using var flat = tensor(values);
        return flat.reshape(shape).contiguous();
    }
}
