using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using NUnit.Framework;
using static TorchSharp.torch;

namespace Pipeline.Tests.Inferers;

/// <summary>One case written by tools/fixtures/make_inferer_fixtures.py: an input, the sliding-window settings and MONAI's result.</summary>
internal sealed record InfererFixture(string Name, JsonObject Description)
{
    private static string Folder => Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", "inferers");

    public static IEnumerable<string> Names() =>
        Read().Select(c => c.Name);

    public static InfererFixture Get(string name) => Read().Single(c => c.Name == name);

    public int[] RoiSize => Ints("roi_size");

    public double Overlap => Description["overlap"]!.GetValue<double>();

    public string Mode => Description["mode"]!.GetValue<string>();

    public double SigmaScale => Description["sigma_scale"]!.GetValue<double>();

    public string PaddingMode => Description["padding_mode"]!.GetValue<string>();

    public double Cval => Description["cval"]!.GetValue<double>();

    public int BatchSize => Description["batch_size"]!.GetValue<int>();

    public int WindowsPerImage => Description["windows_per_image"]!.GetValue<int>();

    public Tensor Input() => Floats($"{Name}_input.bin", "input_shape");

    public Tensor Expected() => Floats($"{Name}_expected.bin", "expected_shape");

    private int[] Ints(string key) => Description[key]!.AsArray().Select(n => n!.GetValue<int>()).ToArray();

    private Tensor Floats(string file, string shapeKey)
    {
        var shape = Ints(shapeKey).Select(s => (long)s).ToArray();
        var floats = MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(Path.Combine(Folder, file))).ToArray();
        Assert.That(floats, Has.Length.EqualTo(shape.Aggregate(1L, (a, b) => a * b)), file);
        return tensor(floats, shape);
    }

    private static IEnumerable<InfererFixture> Read()
    {
        var description = JsonNode.Parse(File.ReadAllText(Path.Combine(Folder, "fixture.json")))!.AsObject();
        return description["cases"]!.AsArray().Select(c => new InfererFixture(c!["name"]!.GetValue<string>(), c.AsObject()));
    }
}
