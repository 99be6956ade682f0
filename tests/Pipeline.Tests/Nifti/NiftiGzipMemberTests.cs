using System.IO.Compression;
using NUnit.Framework;
using Pipeline.Imaging;
using Pipeline.ImageIO.Nifti;
using static TorchSharp.torch;

namespace Pipeline.Tests.Nifti;

/// <summary>Gzip framing as zlib and Python read it: any number of members, optional header fields, bytes after the last member, and cuts anywhere.</summary>
public sealed class NiftiGzipMemberTests
{
    private string _dir = "";

    [SetUp]
    public void CreateFolder() => _dir = Directory.CreateTempSubdirectory("nifti-gzip-").FullName;

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_dir, recursive: true);

    [Test]
    public void RandomMemberSplitsAndTrailersReadAsTheConcatenatedData()
    {
        var random = new Random(1952);
        CompressionLevel[] levels = [CompressionLevel.NoCompression, CompressionLevel.Fastest, CompressionLevel.Optimal, CompressionLevel.SmallestSize];
        int[] sizes = [0, 1, 7, 8191, 8192, 8193, 16384, 16391, 40000, 250_000];
        for (var trial = 0; trial < 160; trial++)
        {
            var data = Payload(random, trial < sizes.Length ? sizes[trial] : random.Next(300_000));
            var cuts = Enumerable.Range(0, random.Next(4)).Select(_ => random.Next(data.Length + 1)).Order().ToArray();
            var bounds = cuts.Prepend(0).Append(data.Length).ToArray();
            var file = new MemoryStream();
            foreach (var (from, to) in bounds.Zip(bounds.Skip(1)))
                file.Write(GzipMember.Of(data.AsSpan(from, to - from), (GzipMember.Fields)(random.Next(32) & 0x1e), levels[random.Next(levels.Length)]));
            var trailing = random.Next(3) switch { 0 => [], 1 => new byte[random.Next(1, 3000)], _ => Garbage(random, random.Next(1, 40)) };
            file.Write(trailing);

            var (output, stream) = Inflate(file.ToArray());
            var what = $"trial {trial}: {data.Length} bytes in {bounds.Length - 1} members, {trailing.Length} trailing";
            Assert.That(output, Is.EqualTo(data), what);
            Assert.That(stream.TrailingBytes, Is.EqualTo(trailing.Length), what);
            Assert.That(stream.MembersStarted, Is.EqualTo(bounds.Length - 1), what);
        }
    }

    [Test]
    public void EveryCutOfATwoMemberFileIsTruncatedOrEndsAtTheMemberBoundary()
    {
        var data = Payload(new Random(5), 3000);
        var first = GzipMember.Of(data.AsSpan(0, 1000), GzipMember.Fields.Name | GzipMember.Fields.Extra);
        var whole = first.Concat(GzipMember.Of(data.AsSpan(1000), GzipMember.Fields.Comment | GzipMember.Fields.HeaderCrc)).ToArray();
        for (var length = 2; length < whole.Length; length++)
        {
            try
            {
                var (output, stream) = Inflate(whole[..length]);
                // Only a cut between the members (or one byte into the second's magic) leaves complete members behind.
                Assert.That(length, Is.EqualTo(first.Length).Or.EqualTo(first.Length + 1), $"cut at {length} read without error");
                Assert.That(output, Is.EqualTo(data[..1000]));
                Assert.That(stream.TrailingBytes, Is.EqualTo(length - first.Length));
            }
            catch (NiftiFormatException e)
            {
                Assert.That(e.Problem, Does.Contain("truncated"), $"cut at {length}: {e.Message}");
            }
        }
    }

    [TestCase(-8, "CRC-32")]
    [TestCase(-4, "CRC-32")]
    [TestCase(30, "corrupt")]
    public void DamageIsCorruption(int at, string problem)
    {
        var member = GzipMember.Of(Payload(new Random(9), 5000));
        member[at < 0 ? member.Length + at : at] ^= 0x5a;
        var e = Assert.Throws<NiftiFormatException>(() => Inflate(member));
        Assert.That(e!.Problem, Does.Contain(problem));
    }

    [Test]
    public void AnImageFollowedByPaddingReadsWithOneWarningNamingTheFileAndTheByteCount()
    {
        var plain = Path.Combine(_dir, "plain.nii");
        using (var image = new MedicalImage(arange(6 * 5 * 4, dtype: ScalarType.Int16).reshape(1, 6, 5, 4), AffineMatrix.Identity))
            NiftiWriter.Write(image, plain);
        var bytes = File.ReadAllBytes(plain);
        var padded = Path.Combine(_dir, "padded.nii.gz");
        File.WriteAllBytes(padded, [.. GzipMember.Split(bytes, 348, 352, 500), .. new byte[777]]);

        var warnings = new List<string>();
        using (NiftiWarnings.RedirectTo(warnings.Add))
        using (var original = NiftiReader.Read(plain))
        using (var read = NiftiReader.Read(padded))
            Assert.That(read.Data.equal(original.Data).all().item<bool>(), Is.True);
        Assert.That(warnings, Has.Count.EqualTo(1));
        Assert.That(warnings[0], Does.Contain(padded).And.Contain("777 trailing bytes").And.Contain("zero padding"));
    }

    private (byte[] Output, GzipMemberStream Stream) Inflate(byte[] file)
    {
        var path = Path.Combine(_dir, "member.gz");
        File.WriteAllBytes(path, file);
        using var handle = File.OpenHandle(path);
        using var stream = new GzipMemberStream(handle, file.Length, path);
        var output = new MemoryStream();
        // Odd read sizes, so that member ends fall anywhere inside a caller's buffer.
        var buffer = new byte[12_345];
        for (int n; (n = stream.Read(buffer)) > 0;) output.Write(buffer, 0, n);
        return (output.ToArray(), stream);
    }

    /// <summary>Data that compress somewhere between not at all and very well.</summary>
    private static byte[] Payload(Random random, int length)
    {
        var data = new byte[length];
        for (var i = 0; i < length;)
        {
            var run = Math.Min(length - i, random.Next(1, 2000));
            if (random.Next(2) == 0) random.NextBytes(data.AsSpan(i, run));
            else data.AsSpan(i, run).Fill((byte)random.Next(256));
            i += run;
        }
        return data;
    }

    /// <summary>Bytes that cannot start a gzip member.</summary>
    private static byte[] Garbage(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        if (bytes[0] == 0x1f) bytes[0] = 0x20;
        return bytes;
    }
}
