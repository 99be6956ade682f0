using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using NUnit.Framework;
using static TorchSharp.torch;

namespace Pipeline.Tests.Nifti;

/// <summary>What nibabel read from a fixture, as recorded by tools/fixtures/make_nifti_fixtures.py (NAME.expected.json / FILE.nibabel.json).</summary>
internal sealed class NiftiFixtureExpectation
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public int Version { get; init; }
    public string ByteOrder { get; init; } = "";
    public long[] Shape { get; init; } = [];
    public string RawDtype { get; init; } = "";
    public string DataobjDtype { get; init; } = "";
    public bool Scaled { get; init; }
    public double Slope { get; init; }
    public double Inter { get; init; }
    public double[] Affine { get; init; } = [];
    public string AffineSource { get; init; } = "";
    public int SformCode { get; init; }
    public int QformCode { get; init; }
    public string Axcodes { get; init; } = "";
    public double[] Zooms { get; init; } = [];
    public double[] VoxelSizes { get; init; } = [];
    public RawHeaderExpectation RawHeader { get; init; } = new();
    public string File { get; init; } = "";
    public string[] Files { get; init; } = [];
    public string? Data { get; init; }
    public string? DataSha256 { get; init; }

    /// <summary>The folder the test build copies Fixtures/nifti into.</summary>
    public static string Folder => Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", "nifti");

    public static NiftiFixtureExpectation Load(string jsonPath) =>
        JsonSerializer.Deserialize<NiftiFixtureExpectation>(System.IO.File.ReadAllText(jsonPath), Options)
        ?? throw new InvalidDataException($"{jsonPath} is empty");

    /// <summary>Stems of the golden reader fixtures (one NAME.expected.json each).</summary>
    public static IEnumerable<string> GoldenStems() =>
        Directory.EnumerateFiles(Folder, "*.expected.json").Select(p => Path.GetFileName(p)[..^".expected.json".Length]).Order();

    /// <summary>Data shape we promise for nibabel's array shape: [C, i, j(, k)] with C the product of dims 4 and up.</summary>
    public long[] ChannelsFirstShape()
    {
        var spatial = Shape.Take(3).ToArray();
        var channels = Shape.Skip(3).Aggregate(1L, (a, b) => a * b);
        return [channels, .. spatial];
    }

    /// <summary>The recorded get_fdata() values rearranged to [C, i, j(, k)] (channels in nibabel's C order).</summary>
    public Tensor ExpectedChannelsFirst()
    {
        var bytes = System.IO.File.ReadAllBytes(Path.Combine(Folder, Data!));
        var values = MemoryMarshal.Cast<byte, double>(bytes).ToArray();
        using var flat = tensor(values);
        if (Shape.Length <= 3)
            return flat.reshape(ChannelsFirstShape());
        using var channelsLast = flat.reshape([.. Shape.Take(3), -1]);
        using var moved = channelsLast.permute(3, 0, 1, 2);
        return moved.contiguous();
    }
}

/// <summary>Header fields exactly as stored in a fixture file.</summary>
internal sealed class RawHeaderExpectation
{
    public int SizeofHdr { get; init; }
    public string Magic { get; init; } = "";
    public int Datatype { get; init; }
    public int Bitpix { get; init; }
    public long[] Dim { get; init; } = [];
    public double[] Pixdim { get; init; } = [];
    public double VoxOffset { get; init; }
    public double SclSlope { get; init; }
    public double SclInter { get; init; }
    public int QformCode { get; init; }
    public int SformCode { get; init; }
    public double[] Quatern { get; init; } = [];
    public double[] Qoffset { get; init; } = [];
    public double[] Srow { get; init; } = [];
    public int XyztUnits { get; init; }
    public int IntentCode { get; init; }
    public string Descrip { get; init; } = "";
}
