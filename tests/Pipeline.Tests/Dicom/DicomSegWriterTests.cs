using NUnit.Framework;
using Pipeline.Components;
using Pipeline.ImageIO.Dicom;
using Pipeline.IO;
using Pipeline.Workflows.Evaluation.Writers;
using static TorchSharp.torch;

namespace Pipeline.Tests.Dicom;

/// <summary>DICOM SEG objects written for a series made from a real scan: valid for dciodvfy, empty frames left out, each frame on and referencing its source slice, and read back equal.</summary>
public sealed class DicomSegWriterTests
{
    private string _dir = "";

    private static string Fixture(string name) => Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", "dicom", name);

    [SetUp]
    public void Create() => _dir = Directory.CreateTempSubdirectory("seg-").FullName;

    [TearDown]
    public void Remove() => Directory.Delete(_dir, recursive: true);

    private static (DicomSourceSeries Source, int Columns, int Rows, int Slices) Series(string name)
    {
        using var image = DicomSeriesReader.Read(Path.Combine(Fixture(name)));
        var shape = image.SpatialShape;
        return ((DicomSourceSeries)image.Properties.Extra[DicomSourceSeries.PropertyKey], (int)shape[0], (int)shape[1], (int)shape[2]);
    }

    private static readonly DicomSegment[] TwoSegments =
    [
        new(1, "Liver", DicomCode.AnatomicalStructure, new DicomCode("10200004", "SCT", "Liver")),
        new(2, "Spleen", DicomCode.AnatomicalStructure, new DicomCode("78961009", "SCT", "Spleen")),
    ];

    // Segment 1 a box over slices 5–9, segment 2 a box over slices 8–12: 5 + 5 frames of 24 slices.
    private static int[] Boxes(int columns, int rows, int slices)
    {
        var labels = new int[columns * rows * slices];
        for (var i = 0; i < columns; i++)
            for (var j = 0; j < rows; j++)
                for (var k = 0; k < slices; k++)
                {
                    var at = (i * rows + j) * slices + k;
                    if (i is >= 4 and < 20 && j is >= 6 and < 30 && k is >= 5 and <= 9) labels[at] = 1;
                    if (i is >= 24 and < 40 && j is >= 10 and < 20 && k is >= 8 and <= 12) labels[at] = 2;
                }
        return labels;
    }

    [Test]
    public void ABinarySegHoldsOnlyNonEmptyFramesEachOnItsSourceSlice()
    {
        var (source, columns, rows, slices) = Series("ct_axial");
        var labels = Boxes(columns, rows, slices);

        var path = DicomWriter.Write(DicomSegWriter.Binary(source, columns, rows, labels, TwoSegments, new DicomSegSeries("Organs")), new OutputFolder(_dir, "test"), Path.Combine(_dir, "organs.seg.dcm"));

        var (report, errors) = Dciodvfy.Check(path);
        Assert.That(errors, Is.Empty, report);
        var written = DicomParser.Read(path).Dataset;
        Assert.That(written.GetInteger(DicomTags.NumberOfFrames), Is.EqualTo(10));
        // Each frame's source image is the series' slice at the frame's position.
        foreach (var frame in written.GetItems(DicomTags.PerFrameFunctionalGroupsSequence))
        {
            var position = frame.GetItems(DicomTags.PlanePositionSequence)[0].GetDecimals(DicomTags.ImagePositionPatient)!;
            var referenced = frame.GetItems(new DicomTag(0x0008, 0x9124))[0].GetItems(new DicomTag(0x0008, 0x2112))[0].GetString(DicomTags.ReferencedSopInstanceUid);
            var slice = source.Slices.Single(s => s.SopInstanceUid == referenced);
            Assert.That(position.Zip(slice.Position).Max(p => Math.Abs(p.First - p.Second)), Is.LessThan(1e-4));
        }
        var back = DicomSegReader.Read(path);
        using var volume = back.Labels;
        Assert.That(volume.SpatialShape, Is.EqualTo(new long[] { columns, rows, 8 }), "slices 5–12");
        using var expected = tensor(labels, [1, columns, rows, slices]).narrow(3, 5, 8);
        Assert.That(volume.Data.eq(expected).all().item<bool>(), Is.True);
        Assert.That(back.Segments.Select(s => s.Type.Meaning), Is.EqualTo(new[] { "Liver", "Spleen" }));
    }

    [Test]
    public void ASegOfAnEnhancedMultiFrameImageReferencesItsFrames()
    {
        var (source, columns, rows, slices) = Series("ct_enhanced_multiframe");

        var path = DicomWriter.Write(DicomSegWriter.Binary(source, columns, rows, Boxes(columns, rows, slices), TwoSegments, new DicomSegSeries()), new OutputFolder(_dir, "test"), Path.Combine(_dir, "mf.seg.dcm"));

        var (report, errors) = Dciodvfy.Check(path);
        Assert.That(errors, Is.Empty, report);
        var frames = DicomParser.Read(path).Dataset.GetItems(DicomTags.PerFrameFunctionalGroupsSequence);
        var referenced = frames.Select(f => f.GetItems(new DicomTag(0x0008, 0x9124))[0].GetItems(new DicomTag(0x0008, 0x2112))[0].GetInteger(new DicomTag(0x0008, 0x1160)));
        Assert.That(referenced, Is.EqualTo(new long?[] { 6, 7, 8, 9, 10, 9, 10, 11, 12, 13 }), "frame k + 1 of the source for slice k");
    }

    [Test]
    public void AFractionalSegStoresProbabilitiesAsBytes()
    {
        var (source, columns, rows, slices) = Series("mr_axial_explicit_le");
        var volume = columns * rows * slices;
        var probabilities = new float[2 * volume];
        for (var v = 0; v < volume; v++)
        {
            var k = v % slices;
            probabilities[v] = k == 3 ? 0.75f : 0f;
            probabilities[volume + v] = k == 4 ? (v / slices % 6) / 5f : 0f;
        }

        var path = DicomWriter.Write(DicomSegWriter.Fractional(source, columns, rows, probabilities, TwoSegments, new DicomSegSeries()), new OutputFolder(_dir, "test"), Path.Combine(_dir, "p.seg.dcm"));

        var (report, errors) = Dciodvfy.Check(path);
        Assert.That(errors, Is.Empty, report);
        var written = DicomParser.Read(path).Dataset;
        Assert.That(written.GetString(DicomTags.SegmentationType), Is.EqualTo("FRACTIONAL"));
        Assert.That(written.GetInteger(DicomTags.NumberOfFrames), Is.EqualTo(2));
        var pixels = written.Get(DicomTags.PixelData)!.Value;
        Assert.That(pixels[..(rows * columns)].All(b => b == 191), Is.True, "0.75 is stored as round(0.75 × 255)");
        Assert.That(pixels[(rows * columns)..].Distinct().Order(), Is.EqualTo(new byte[] { 0, 51, 102, 153, 204, 255 }));
    }

    [Test]
    public void AnEmptyMaskStillGivesOneEmptyFrame()
    {
        var (source, columns, rows, slices) = Series("ct_axial");

        var seg = DicomSegWriter.Binary(source, columns, rows, new int[columns * rows * slices], TwoSegments, new DicomSegSeries());

        Assert.That(seg.GetInteger(DicomTags.NumberOfFrames), Is.EqualTo(1));
        Assert.That(seg.Get(DicomTags.PixelData)!.Value.All(b => b == 0), Is.True);
    }

    [Test]
    public void ALabelWithoutASegmentIsRefused()
    {
        var (source, columns, rows, slices) = Series("ct_axial");
        var labels = Boxes(columns, rows, slices);
        labels[100] = 7;

        var error = Assert.Throws<ArgumentException>(() => DicomSegWriter.Binary(source, columns, rows, labels, TwoSegments, new DicomSegSeries()))!;
        Assert.That(error.Message, Does.Contain("value 7").And.Contain("described: 1, 2"));
    }

    [TestCase("SCT:78961009", "segments.1.type", "SCHEME:VALUE:Meaning")]
    [TestCase("SCT:123456789012345678:Spleen", "segments.1.type", "longer than 16")]
    public void ABadCodeIsRefusedNamingTheArg(string code, string arg, string message)
    {
        var segments = new Dictionary<string, Dictionary<string, string>> { ["1"] = new() { ["type"] = code } };

        var error = Assert.Throws<ConfigArgException>(() => new WriteDicomSeg("model", segments: segments, writePath: _dir))!;
        Assert.That(error.Arg, Is.EqualTo(arg));
        Assert.That(error.Message, Does.Contain(message));
    }

    [Test]
    public void ContentLabelMustBeACodeString()
    {
        var error = Assert.Throws<ConfigArgException>(() => new WriteDicomSeg("model", contentLabel: "liver seg", writePath: _dir))!;
        Assert.That(error.Arg, Is.EqualTo("content_label"));
    }
}
