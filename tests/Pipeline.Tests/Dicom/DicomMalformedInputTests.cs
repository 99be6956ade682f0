using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;
using NUnit.Framework;
using Pipeline.ImageIO.Dicom;

namespace Pipeline.Tests.Dicom;

/// <summary>
/// Thousands of deterministic corruptions of valid DICOM files (every encoding the reader takes, and nested sequences of
/// undefined length): each must either read or fail with a <see cref="DicomFormatException"/> naming the file — never
/// another exception, a hang or a huge allocation.
/// </summary>
public sealed class DicomMalformedInputTests
{
    private static readonly TimeSpan HangBound = TimeSpan.FromSeconds(60);

    private string _dir = "";

    [SetUp]
    public void CreateFolder() => _dir = Directory.CreateTempSubdirectory("dicom-mutants-").FullName;

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_dir, recursive: true);

    private static string Fixture(params string[] parts) => Path.Combine([TestContext.CurrentContext.TestDirectory, "Fixtures", "dicom", .. parts]);

    private static IEnumerable<(string Name, byte[] Bytes)> BaseFiles()
    {
        foreach (var series in new[] { "mr_axial_explicit_le", "mr_axial_implicit_le", "mr_axial_big_endian", "mr_axial_deflated", "mr_axial_rle", "mr_axial_jpeg_lossless_sv1" })
            yield return (series, File.ReadAllBytes(Fixture(series, "0010.dcm")));
        yield return ("no_meta", File.ReadAllBytes(Fixture("pydicom", "ExplVR_LitEndNoMeta.dcm")));
        yield return ("nested", NestedSequences());
        yield return ("enhanced", File.ReadAllBytes(Fixture("ct_enhanced_multiframe", "frames.dcm")));
        yield return ("seg", Segmentation());
    }

    // A binary SEG of the axial CT: a box over a few slices.
    private static byte[] Segmentation()
    {
        using var image = DicomSeriesReader.Read(Fixture("ct_axial"));
        var source = (DicomSourceSeries)image.Properties.Extra[DicomSourceSeries.PropertyKey];
        var (columns, rows, slices) = ((int)image.SpatialShape[0], (int)image.SpatialShape[1], (int)image.SpatialShape[2]);
        var labels = new int[columns * rows * slices];
        for (var v = 0; v < labels.Length; v++) labels[v] = v % slices is >= 10 and < 13 && v / slices % rows > 20 ? 1 : 0;
        var segment = new DicomSegment(1, "Box", DicomCode.AnatomicalStructure, DicomCode.Tissue);
        using var stream = new MemoryStream();
        DicomWriter.Write(DicomSegWriter.Binary(source, columns, rows, labels, [segment], new DicomSegSeries()), stream);
        return stream.ToArray();
    }

    // Explicit VR little endian: a sequence of undefined length whose item (undefined length) holds another such
    // sequence, three deep, then a small image.
    private static byte[] NestedSequences()
    {
        var body = new List<byte>();
        void Element(ushort group, ushort element, string vr, byte[] value)
        {
            body.AddRange(BitConverter.GetBytes(group));
            body.AddRange(BitConverter.GetBytes(element));
            body.AddRange(Encoding.ASCII.GetBytes(vr));
            if (vr is "OB" or "OW" or "SQ" or "UN") { body.AddRange(new byte[2]); body.AddRange(BitConverter.GetBytes((uint)value.Length)); }
            else body.AddRange(BitConverter.GetBytes((ushort)value.Length));
            body.AddRange(value);
        }
        void Tag(ushort group, ushort element, uint length)
        {
            body.AddRange(BitConverter.GetBytes(group));
            body.AddRange(BitConverter.GetBytes(element));
            body.AddRange(BitConverter.GetBytes(length));
        }
        Element(0x0008, 0x0060, "CS", "MR"u8.ToArray());
        for (var depth = 0; depth < 3; depth++)
        {
            body.AddRange(BitConverter.GetBytes((ushort)0x0008));
            body.AddRange(BitConverter.GetBytes((ushort)0x1140));
            body.AddRange("SQ"u8.ToArray());
            body.AddRange(new byte[2]);
            body.AddRange(BitConverter.GetBytes(0xFFFFFFFFu));
            Tag(0xFFFE, 0xE000, 0xFFFFFFFF);
            Element(0x0008, 0x1155, "UI", "1.2.3.4"u8.ToArray().Append((byte)0).ToArray());
        }
        for (var depth = 0; depth < 3; depth++)
        {
            Tag(0xFFFE, 0xE00D, 0);
            Tag(0xFFFE, 0xE0DD, 0);
        }
        Element(0x0020, 0x000E, "UI", "1.2.3.5"u8.ToArray().Append((byte)0).ToArray());
        Element(0x0020, 0x0032, "DS", "0\\0\\0 "u8.ToArray());
        Element(0x0020, 0x0037, "DS", "1\\0\\0\\0\\1\\0 "u8.ToArray());
        Element(0x0028, 0x0010, "US", BitConverter.GetBytes((ushort)4));
        Element(0x0028, 0x0011, "US", BitConverter.GetBytes((ushort)4));
        Element(0x0028, 0x0030, "DS", "1\\1 "u8.ToArray());
        Element(0x0028, 0x0100, "US", BitConverter.GetBytes((ushort)16));
        Element(0x0028, 0x0101, "US", BitConverter.GetBytes((ushort)16));
        Element(0x0028, 0x0103, "US", BitConverter.GetBytes((ushort)1));
        Element(0x7FE0, 0x0010, "OW", new byte[32]);

        var meta = new List<byte>();
        var syntax = "1.2.840.10008.1.2.1\0"u8.ToArray();
        meta.AddRange(new byte[] { 0x02, 0x00, 0x10, 0x00 });
        meta.AddRange("UI"u8.ToArray());
        meta.AddRange(BitConverter.GetBytes((ushort)syntax.Length));
        meta.AddRange(syntax);
        return [.. new byte[128], .. "DICM"u8.ToArray(), .. meta, .. body];
    }

    [Test]
    public void ANestedSequenceFileReads()
    {
        var path = Path.Combine(_dir, "nested.dcm");
        File.WriteAllBytes(path, NestedSequences());

        var file = DicomParser.Read(path);
        var level = file.Dataset;
        for (var depth = 0; depth < 3; depth++) level = level.GetItems(new DicomTag(0x0008, 0x1140)).Single();
        using var image = DicomSeriesReader.Read(path);

        Assert.That(level.GetString(new DicomTag(0x0008, 0x1155)), Is.EqualTo("1.2.3.4"));
        Assert.That(image.SpatialShape, Is.EqualTo(new long[] { 4, 4, 1 }));
    }

    [Test]
    public void CorruptedFilesReadOrFailWithANamedFormatError()
    {
        var random = new Random(20261207);
        var mutants = new List<(string Name, byte[] Bytes)>();
        foreach (var (name, bytes) in BaseFiles())
        {
            for (var n = 0; n < 60; n++) mutants.Add(($"{name}_truncated{n}", bytes[..random.Next(bytes.Length)]));
            for (var n = 0; n < 120; n++) mutants.Add(($"{name}_bytes{n}", Flip(bytes, random, count: 1 + random.Next(4))));
            for (var n = 0; n < 120; n++) mutants.Add(($"{name}_length{n}", BadLength(bytes, random)));
        }
        Assert.That(mutants, Has.Count.GreaterThanOrEqualTo(2700));

        var peakBefore = Process.GetCurrentProcess().PeakWorkingSet64;
        var problems = new List<string>();
        var read = 0;
        var watch = Stopwatch.StartNew();
        foreach (var (name, bytes) in mutants)
        {
            var path = Path.Combine(_dir, name + ".dcm");
            File.WriteAllBytes(path, bytes);
            try
            {
                // A SEG is read back by the SEG reader; everything else as a series.
                using var image = name.StartsWith("seg", StringComparison.Ordinal) ? DicomSegReader.Read(path).Labels : DicomSeriesReader.Read(path);
                read++;
            }
            catch (DicomFormatException e)
            {
                if (!e.Message.Contains(path, StringComparison.Ordinal)) problems.Add($"{name}: the message does not name the file: {e.Message}");
            }
            catch (Exception e)
            {
                problems.Add($"{name}: {e.GetType().Name}: {e.Message}");
            }
            File.Delete(path);
            Assert.That(watch.Elapsed, Is.LessThan(HangBound), $"reading {mutants.Count} mutants took too long (at {name})");
        }
        TestContext.Progress.WriteLine($"dicom fuzz | {mutants.Count} mutants: {read} read, {mutants.Count - read - problems.Count} refused plainly, {problems.Count} wrong, {watch.Elapsed.TotalSeconds:0.0} s");
        Assert.That(problems, Is.Empty);
        Assert.That(Process.GetCurrentProcess().PeakWorkingSet64 - peakBefore, Is.LessThan(1L << 30), "no huge allocation");
    }

    private static byte[] Flip(byte[] bytes, Random random, int count)
    {
        var copy = (byte[])bytes.Clone();
        for (var i = 0; i < count; i++) copy[random.Next(copy.Length)] = (byte)random.Next(256);
        return copy;
    }

    // A 16- or 32-bit length field (somewhere plausible) set to an extreme or off-by-a-little value.
    private static byte[] BadLength(byte[] bytes, Random random)
    {
        var copy = (byte[])bytes.Clone();
        var at = random.Next(Math.Max(1, copy.Length - 4));
        uint[] values = [0, 1, 3, 0xFFFF, 0xFFFFFFFF, 0x7FFFFFFF, 0xFFFFFFFE, (uint)copy.Length, (uint)random.Next(64)];
        var value = values[random.Next(values.Length)];
        if (random.Next(2) == 0) BinaryPrimitives.WriteUInt32LittleEndian(copy.AsSpan(at), value);
        else BinaryPrimitives.WriteUInt16LittleEndian(copy.AsSpan(at), (ushort)value);
        return copy;
    }
}
