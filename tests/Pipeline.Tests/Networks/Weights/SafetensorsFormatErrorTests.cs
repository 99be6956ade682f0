using System.Buffers.Binary;
using System.Text;
using NUnit.Framework;
using Pipeline.Networks.Weights;

namespace Pipeline.Tests.Networks.Weights;

/// <summary>Specific malformations and the problem each one is reported as.</summary>
public sealed class SafetensorsFormatErrorTests
{
    private string _dir = "";

    [SetUp]
    public void CreateFolder() => _dir = Directory.CreateTempSubdirectory("safetensors-errors-").FullName;

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_dir, recursive: true);

    /// <summary>A file with the given header text (padded to 8) followed by <paramref name="dataBytes"/> zero bytes.</summary>
    private static byte[] File(string header, int dataBytes)
    {
        var json = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + json.Length + dataBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)json.Length);
        json.CopyTo(bytes, 8);
        return bytes;
    }

    private static string Entry(string name, string dtype, string shape, long begin, long end) =>
        $"\"{name}\":{{\"dtype\":\"{dtype}\",\"shape\":{shape},\"data_offsets\":[{begin},{end}]}}";

    public static IEnumerable<TestCaseData> Cases()
    {
        yield return new TestCaseData(new byte[5], "shorter than the 8-byte header length").SetName("TooShortForTheLength");
        var huge = new byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(huge, 200_000_000);
        yield return new TestCaseData(huge, "exceeds").SetName("HeaderOverTheLimit");
        var past = new byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(past, 100);
        yield return new TestCaseData(past, "runs past the end").SetName("HeaderPastTheEnd");
        yield return new TestCaseData(File("{\"a\":", 0), "not valid JSON").SetName("BadJson");
        yield return new TestCaseData(File("[1,2]", 0), "not a JSON object").SetName("NotAnObject");
        yield return new TestCaseData(File("{" + Entry("a", "F8_E4M3", "[2]", 0, 2) + "}", 2), "unsupported dtype 'F8_E4M3'").SetName("UnknownDtype");
        yield return new TestCaseData(File("{" + Entry("a", "F32", "[-2]", 0, 8) + "}", 8), "not a non-negative integer").SetName("NegativeDim");
        yield return new TestCaseData(File("{" + Entry("a", "F32", "[2.5]", 0, 8) + "}", 8), "not a non-negative integer").SetName("FractionalDim");
        yield return new TestCaseData(File("{" + Entry("a", "F32", "[3]", 0, 8) + "}", 8), "needs 12").SetName("OffsetsDoNotMatchShape");
        yield return new TestCaseData(File("{" + Entry("a", "F32", "[2]", 8, 0) + "}", 8), "before begin").SetName("ReversedOffsets");
        yield return new TestCaseData(File("{" + Entry("a", "F32", "[2]", 0, 8) + "}", 4), "truncated").SetName("TruncatedData");
        yield return new TestCaseData(File("{" + Entry("a", "F32", "[2]", 0, 8) + "}", 12), "cover only 8").SetName("TrailingBytes");
        yield return new TestCaseData(File("{" + Entry("a", "F32", "[2]", 0, 8) + "," + Entry("b", "F32", "[2]", 4, 12) + "}", 12), "overlaps").SetName("Overlap");
        yield return new TestCaseData(File("{" + Entry("a", "F32", "[2]", 4, 12) + "}", 12), "leaving a gap").SetName("Gap");
        yield return new TestCaseData(File("{" + Entry("a", "F32", "[4294967296,4294967296,4294967296]", 0, 8) + "}", 8), "too large").SetName("ShapeOverflow");
        yield return new TestCaseData(File("{" + Entry("a", "F32", "[1]", 0, 4) + "," + Entry("a", "F32", "[1]", 4, 8) + "}", 8), "twice").SetName("DuplicateName");
        yield return new TestCaseData(File("{\"__metadata__\":{\"k\":1}}", 0), "is not a string").SetName("NonStringMetadata");
        yield return new TestCaseData(File("{\"a\":{\"shape\":[],\"data_offsets\":[0,4]}}", 4), "missing or non-string dtype").SetName("MissingDtype");
        yield return new TestCaseData(File("{\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0]}}", 1), "two entries").SetName("OneOffset");
        var badUtf8 = File("{\"a\":{}}", 0);
        badUtf8[10] = 0xC3;
        yield return new TestCaseData(badUtf8, "not valid UTF-8").SetName("InvalidUtf8Name");
        var badBool = File("{" + Entry("a", "BOOL", "[2]", 0, 2) + "}", 2);
        badBool[^1] = 2;
        yield return new TestCaseData(badBool, "other than 0 and 1").SetName("BoolByteTwo");
    }

    [TestCaseSource(nameof(Cases))]
    public void ReportsTheProblemAndTheFile(byte[] bytes, string problem)
    {
        var path = Path.Combine(_dir, "bad.safetensors");
        System.IO.File.WriteAllBytes(path, bytes);

        var error = Assert.Throws<SafetensorsFormatException>(() => SafetensorsReader.Read(path).Dispose())!;

        Assert.That(error.Message, Does.Contain(path).And.Contain(problem));
        Assert.That(error.Path, Is.EqualTo(path));
    }

    [Test]
    public void AcceptsAHugeDimensionBesideAZeroAsAnEmptyTensor()
    {
        var path = Path.Combine(_dir, "wide.safetensors");
        System.IO.File.WriteAllBytes(path, File("{" + Entry("a", "F32", "[0,4611686018427387903]", 0, 0) + "}", 0));

        using var file = SafetensorsReader.Read(path);

        Assert.That(file.Tensors["a"].shape, Is.EqualTo(new long[] { 0, 4611686018427387903 }));
    }

    [Test]
    public void AcceptsAnEmptyFileOfTensorsAndNullMetadata()
    {
        var path = Path.Combine(_dir, "empty.safetensors");
        System.IO.File.WriteAllBytes(path, File("{\"__metadata__\":null}  ", 0));

        using var file = SafetensorsReader.Read(path);

        Assert.That(file.Tensors, Is.Empty);
        Assert.That(file.Metadata, Is.Empty);
    }
}
