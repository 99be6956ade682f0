using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;
using NUnit.Framework;
using Pipeline.Networks.Weights;

namespace Pipeline.Tests.Networks.Weights;

/// <summary>
/// Deterministic corruptions of the golden fixture: each must either load consistently with its header or fail with a
/// <see cref="SafetensorsFormatException"/> naming the file — never another exception, a hang or a huge allocation.
/// </summary>
public sealed class SafetensorsMalformedInputTests
{
    /// <summary>A read that takes this long is hung; real reads of these tiny files take milliseconds.</summary>
    private static readonly TimeSpan HangBound = TimeSpan.FromSeconds(60);

    // Characters that change JSON structure or numbers, so most mutations reach the validation code, not just the parser.
    private static readonly byte[] Significant = Encoding.ASCII.GetBytes("{}[],:\"0123456789- .eE");

    private static readonly string[] Dtypes = ["F32", "F16", "BF16", "F64", "I64", "I32", "I16", "I8", "U8", "BOOL", "F8_E5M2", "f32", ""];

    private string _dir = "";

    [SetUp]
    public void CreateFolder() => _dir = Directory.CreateTempSubdirectory("safetensors-mutants-").FullName;

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_dir, recursive: true);

    [Test]
    public void CorruptedFilesLoadConsistentlyOrFailWithANamedFormatError()
    {
        var valid = File.ReadAllBytes(SafetensorsFixture.BasicPath);
        var headerLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(valid);
        var header = Encoding.UTF8.GetString(valid, 8, headerLength);
        var data = valid[(8 + headerLength)..];
        var random = new Random(20261123);
        var mutants = new List<byte[]>();

        for (var n = 0; n < 80; n++)
        {
            var bytes = (byte[])valid.Clone();
            for (var k = random.Next(1, 4); k > 0; k--)
                bytes[8 + random.Next(headerLength)] = random.Next(3) == 0 ? (byte)random.Next(256) : Significant[random.Next(Significant.Length)];
            mutants.Add(bytes);
        }
        for (var n = 0; n < 40; n++)
        {
            var bytes = (byte[])valid.Clone();
            var length = (n % 4) switch
            {
                0 => (ulong)(headerLength + random.Next(-16, 17)),
                1 => (ulong)random.NextInt64(),
                2 => ulong.MaxValue - (ulong)random.Next(1000),
                _ => (ulong)random.Next(valid.Length),
            };
            BinaryPrimitives.WriteUInt64LittleEndian(bytes, length);
            mutants.Add(bytes);
        }
        for (var n = 0; n < 40; n++)
            mutants.Add(valid[..random.Next(valid.Length)]);
        for (var n = 0; n < 40; n++)
        {
            // Rewrite one number in the header, keeping the length prefix right, so offsets and shapes get exercised.
            var digits = Enumerable.Range(0, header.Length).Where(i => char.IsDigit(header[i])).ToArray();
            var at = digits[random.Next(digits.Length)];
            var replacement = (n % 3) switch
            {
                0 => random.Next(10).ToString(),
                1 => header[at] + random.Next(10).ToString(),
                _ => random.NextInt64().ToString(),
            };
            mutants.Add(Assemble(header.Remove(at, 1).Insert(at, replacement), data));
        }
        for (var n = 0; n < 30; n++)
        {
            var dtypeAt = header.IndexOf("\"dtype\":\"", StringComparison.Ordinal);
            for (var skip = random.Next(6); skip > 0 && dtypeAt >= 0; skip--)
                dtypeAt = header.IndexOf("\"dtype\":\"", dtypeAt + 1, StringComparison.Ordinal);
            if (dtypeAt < 0) dtypeAt = header.IndexOf("\"dtype\":\"", StringComparison.Ordinal);
            var start = dtypeAt + "\"dtype\":\"".Length;
            var end = header.IndexOf('"', start);
            mutants.Add(Assemble(header[..start] + Dtypes[random.Next(Dtypes.Length)] + header[end..], data));
        }
        for (var n = 0; n < 20; n++)
            mutants.Add(Assemble(header, data.Concat(new byte[random.Next(1, 9)]).ToArray()));
        Assert.That(mutants, Has.Count.GreaterThanOrEqualTo(200));

        var peakBefore = Process.GetCurrentProcess().PeakWorkingSet64;
        var loaded = 0;
        var problems = new List<string>();
        for (var i = 0; i < mutants.Count; i++)
        {
            var path = Path.Combine(_dir, $"m{i:D4}.safetensors");
            File.WriteAllBytes(path, mutants[i]);
            var read = Task.Run(() => Outcome(path, mutants[i]));
            if (!read.Wait(HangBound))
            {
                problems.Add($"{path}: still reading after {HangBound}");
                break;
            }
            var (wasLoaded, problem) = read.Result;
            if (problem is not null) problems.Add($"{path}: {problem}");
            if (wasLoaded) loaded++;
            File.Delete(path);
        }
        var peakGrowth = Process.GetCurrentProcess().PeakWorkingSet64 - peakBefore;

        TestContext.Out.WriteLine($"{mutants.Count} mutants, {loaded} loaded, peak working set grew {peakGrowth >> 20} MiB");
        Assert.That(problems, Is.Empty, string.Join("\n", problems.Take(20)));
        Assert.That(loaded, Is.GreaterThan(0).And.LessThan(mutants.Count), "the mutations should both keep and break files");
        Assert.That(peakGrowth, Is.LessThan(1L << 30), "no mutant may cause a large allocation");
    }

    private static byte[] Assemble(string header, byte[] data)
    {
        var json = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + json.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)json.Length);
        json.CopyTo(bytes, 8);
        data.CopyTo(bytes, 8 + json.Length);
        return bytes;
    }

    /// <summary>Loaded: every tensor's bytes come from the file and together they fill its data buffer exactly.</summary>
    private static (bool Loaded, string? Problem) Outcome(string path, byte[] bytes)
    {
        try
        {
            using var file = SafetensorsReader.Read(path);
            var dataStart = 8 + (long)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
            var total = file.Tensors.Values.Sum(t => t.numel() * t.element_size());
            return total == bytes.Length - dataStart
                ? (true, null)
                : (true, $"loaded {total} tensor bytes from a {bytes.Length - dataStart}-byte buffer");
        }
        catch (SafetensorsFormatException e)
        {
            return e.Message.Contains(path) ? (false, null) : (false, $"message does not name the file: {e.Message}");
        }
        catch (Exception e)
        {
            return (false, $"{e.GetType().Name}: {e.Message}");
        }
    }
}
