using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.Compression;
using NUnit.Framework;
using Pipeline.Imaging;
using Pipeline.ImageIO.Nifti;
using static TorchSharp.torch;

namespace Pipeline.Tests.Nifti;

/// <summary>
/// Thousands of deterministic corruptions of valid files: each must either load with a shape consistent with its header
/// or fail with a <see cref="NiftiFormatException"/> naming the file — never another exception, a hang or a huge allocation.
/// </summary>
public sealed class NiftiMalformedInputTests
{
    /// <summary>A read that takes this long is hung; real reads of these tiny files take milliseconds.</summary>
    private static readonly TimeSpan HangBound = TimeSpan.FromSeconds(60);

    private string _dir = "";

    [SetUp]
    public void CreateFolder() => _dir = Directory.CreateTempSubdirectory("nifti-mutants-").FullName;

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_dir, recursive: true);

    [Test]
    public void CorruptedFilesLoadConsistentlyOrFailWithANamedFormatError()
    {
        var bases = BaseFiles();
        var random = new Random(20240521);
        var mutants = new List<(string Name, byte[] Bytes)>();
        var index = 0;
        string Name(string kind, string extension) => $"m{index++:D4}_{kind}{extension}";

        foreach (var (name, bytes) in bases)
        {
            var gz = name.EndsWith(".gz");
            var extension = gz ? ".nii.gz" : ".nii";
            var plain = gz ? Gunzip(bytes) : bytes;
            var headerSize = BinaryPrimitives.ReadInt32LittleEndian(plain) is 348 or 540
                ? BinaryPrimitives.ReadInt32LittleEndian(plain)
                : BinaryPrimitives.ReadInt32BigEndian(plain);
            for (var n = 0; n < 150; n++)
                mutants.Add((Name("bytes", extension), Encode(RandomHeaderBytes(plain, headerSize, random), gz)));
            for (var n = 0; n < 60; n++)
                mutants.Add((Name("field", extension), Encode(RandomField(plain, headerSize, random), gz)));
            for (var n = 0; n < 40; n++)
                mutants.Add((Name("truncated", extension), bytes[..random.Next(bytes.Length)]));
            if (gz)
                for (var n = 0; n < 60; n++)
                    mutants.Add((Name("gzipflip", extension), FlipBytes(bytes, random)));
        }
        Assert.That(mutants, Has.Count.GreaterThanOrEqualTo(1000));

        var peakBefore = Process.GetCurrentProcess().PeakWorkingSet64;
        var loaded = 0;
        var problems = new List<string>();
        foreach (var (name, bytes) in mutants)
        {
            var path = Path.Combine(_dir, name);
            File.WriteAllBytes(path, bytes);
            var read = Task.Run(() => Outcome(path));
            if (!read.Wait(HangBound))
            {
                problems.Add($"{name}: still reading after {HangBound}");
                break;
            }
            var (wasLoaded, problem) = read.Result;
            if (problem is not null) problems.Add($"{name}: {problem}");
            if (wasLoaded) loaded++;
            File.Delete(path);
        }
        var peakGrowth = Process.GetCurrentProcess().PeakWorkingSet64 - peakBefore;

        TestContext.Out.WriteLine($"{mutants.Count} mutants, {loaded} loaded, peak working set grew {peakGrowth >> 20} MiB");
        Assert.That(problems, Is.Empty, string.Join("\n", problems.Take(20)));
        Assert.That(peakGrowth, Is.LessThan(1L << 30), "no mutant may cause a large allocation");
    }

    /// <summary>Whether the file loaded, and what was wrong with the outcome (null when it is acceptable).</summary>
    private static (bool Loaded, string? Problem) Outcome(string path)
    {
        try
        {
            using var image = NiftiReader.Read(path);
            var header = NiftiReader.ReadHeader(path);
            var dims = header.Shape;
            long[] expected = [dims.Skip(3).Aggregate(1L, (a, b) => a * b), .. dims.Take(3)];
            return image.Data.shape.SequenceEqual(expected)
                ? (true, null)
                : (true, $"loaded with shape [{string.Join(", ", image.Data.shape)}] but the header says [{string.Join(", ", dims)}]");
        }
        catch (NiftiFormatException e)
        {
            return (false, e.Message.Contains(Path.GetFileName(path)) ? null : $"message does not name the file: {e.Message}");
        }
        catch (Exception e)
        {
            return (false, $"{e.GetType().Name}: {e.Message}");
        }
    }

    /// <summary>Valid starting points: both versions, both byte orders, plain and gzipped, 3-D and 4-D, qform and sform.</summary>
    private List<(string Name, byte[] Bytes)> BaseFiles()
    {
        var written = Path.Combine(_dir, "base.nii");
        using (var image = new MedicalImage(arange(6 * 5 * 4, dtype: ScalarType.Int16).reshape(1, 6, 5, 4),
                   AffineMatrix.FromRowMajor([-1.5, 0, 0, 30, 0, 1, 0, -12, 0, 0, 2, 7.5, 0, 0, 0, 1])))
            NiftiWriter.Write(image, written);
        var plain = File.ReadAllBytes(written);
        File.Delete(written);
        var fixtures = NiftiFixtureExpectation.Folder;
        return
        [
            ("written.nii", plain),
            ("written.nii.gz", Gzip(plain)),
            ("float32_nifti2_bigendian.nii", File.ReadAllBytes(Path.Combine(fixtures, "float32_nifti2_bigendian.nii"))),
            ("int16_bigendian_scaled.nii.gz", File.ReadAllBytes(Path.Combine(fixtures, "int16_bigendian_scaled.nii.gz"))),
            ("uint32_qform_only.nii", File.ReadAllBytes(Path.Combine(fixtures, "uint32_qform_only.nii"))),
            ("float32_4d.nii.gz", File.ReadAllBytes(Path.Combine(fixtures, "float32_4d.nii.gz"))),
            ("int64_nifti2.nii.gz", File.ReadAllBytes(Path.Combine(fixtures, "int64_nifti2.nii.gz"))),
        ];
    }

    private static byte[] RandomHeaderBytes(byte[] plain, int headerSize, Random random)
    {
        var copy = (byte[])plain.Clone();
        for (var n = random.Next(1, 4); n > 0; n--)
            copy[random.Next(headerSize)] = (byte)random.Next(256);
        return copy;
    }

    /// <summary>Overwrites one aligned 2-, 4- or 8-byte field with a value chosen to hurt: extremes, zero, NaN, infinities.</summary>
    private static byte[] RandomField(byte[] plain, int headerSize, Random random)
    {
        var copy = (byte[])plain.Clone();
        var width = new[] { 2, 4, 8 }[random.Next(3)];
        var at = random.Next((headerSize - width) / width + 1) * width;
        var span = copy.AsSpan(at, width);
        byte[][] nasty =
        [
            [0, 0, 0, 0, 0, 0, 0, 0], [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], [0xff, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f],
            [0, 0x80, 0, 0, 0, 0, 0, 0x80], [0, 0, 0xc0, 0x7f, 0, 0, 0xf8, 0x7f], [0, 0, 0x80, 0x7f, 0, 0, 0xf0, 0x7f],
            [1, 0, 0, 0, 0, 0, 0, 0], [0x60, 0x01, 0, 0, 0, 0, 0, 0], [0, 0x10, 0, 0, 0, 0, 0, 0],
        ];
        if (random.Next(3) == 0) random.NextBytes(span);
        else nasty[random.Next(nasty.Length)].AsSpan(8 - width).CopyTo(span);
        return copy;
    }

    private static byte[] FlipBytes(byte[] bytes, Random random)
    {
        var copy = (byte[])bytes.Clone();
        for (var n = random.Next(1, 4); n > 0; n--)
            copy[random.Next(copy.Length)] ^= (byte)random.Next(1, 256);
        return copy;
    }

    private static byte[] Encode(byte[] plain, bool gzip) => gzip ? Gzip(plain) : plain;

    private static byte[] Gzip(byte[] plain)
    {
        using var memory = new MemoryStream();
        using (var gzip = new GZipStream(memory, CompressionLevel.Fastest, leaveOpen: true))
            gzip.Write(plain);
        return memory.ToArray();
    }

    private static byte[] Gunzip(byte[] compressed)
    {
        using var gzip = new GZipStream(new MemoryStream(compressed), CompressionMode.Decompress);
        using var memory = new MemoryStream();
        gzip.CopyTo(memory);
        return memory.ToArray();
    }
}
