using System.Text;
using NUnit.Framework;
using Pipeline.Training;
using Pipeline.Workflows.Handlers;
using static Pipeline.Tests.Workflows.Handlers.TrainingRecords;

namespace Pipeline.Tests.Workflows.Handlers;

/// <summary>TensorBoard event files: framing, encoding (against a golden file made with Google's protobuf runtime), what is recorded when, and failure handling.</summary>
public sealed class TensorBoardHandlerTests
{
    private static readonly DateTimeOffset Start = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_500);
    private string _dir = null!;

    [SetUp]
    public void CreateFolder() => _dir = Directory.CreateTempSubdirectory("tensorboard-").FullName;

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_dir, true);

    [TestCase("123456789", 0xE3069283u)]
    [TestCase("", 0x00000000u)]
    [TestCase("a", 0xC1D04330u)]
    public void Crc32CMatchesTheStandardCheckValues(string text, uint expected)
    {
        var bytes = Encoding.ASCII.GetBytes(text);
        Assert.That(TfRecordFraming.Crc32C(bytes), Is.EqualTo(expected));
        Assert.That(EventFileReader.Crc32C(bytes), Is.EqualTo(expected), "the test's own table-driven CRC agrees");
    }

    [Test]
    public void Crc32CMatchesTheIscsiTestVectors()
    {
        // RFC 3720, appendix B.4.
        Assert.That(TfRecordFraming.Crc32C(new byte[32]), Is.EqualTo(0x8A9136AAu));
        Assert.That(TfRecordFraming.Crc32C(Enumerable.Repeat((byte)0xFF, 32).ToArray()), Is.EqualTo(0x62A8AB43u));
        Assert.That(TfRecordFraming.Crc32C(Enumerable.Range(0, 32).Select(i => (byte)i).ToArray()), Is.EqualTo(0x46DD794Eu));
    }

    [Test]
    public void AShortRunGivesTheGoldenFileByteForByte()
    {
        var handler = new TensorBoardHandler(clock: new SteppingClock(Start, TimeSpan.FromMilliseconds(250)), host: "testhost");
        handler.RunStarted(new TrainingRunInfo(Epochs: 2, StartEpoch: 0, StartStep: 0, StepsPerEpoch: 3, OutputDir: _dir, SummaryInterval: 2));
        handler.IterationCompleted(Step(0, 1, 3, 1, 0.75, 0.125, aux: new Dictionary<string, double> { ["dice"] = 0.25 }));
        handler.IterationCompleted(Step(0, 2, 3, 2, 0.5, 0.125, aux: new Dictionary<string, double> { ["dice"] = 0.5 }));
        handler.IterationCompleted(Step(0, 3, 3, 3, 0.25, 0.125, aux: new Dictionary<string, double> { ["dice"] = double.NaN }));
        handler.EpochCompleted(Epoch(0, 2, 3, 3, 0.5, 0.125, waited: 0, aux: new Dictionary<string, double> { ["dice"] = 0.375 },
            metrics: new Dictionary<string, double> { ["mean_dice"] = 0.625 }, keyMetric: "mean_dice", best: 0.625, bestEpoch: 1));
        handler.IterationCompleted(Step(1, 1, 1, 4, 0.125, 0.0625, aux: new Dictionary<string, double> { ["dice"] = 0.75 }));
        handler.EpochCompleted(Epoch(1, 2, 4, 1, 0.125, 0.0625, waited: 0.5, aux: new Dictionary<string, double> { ["dice"] = 0.75 },
            keyMetric: "mean_dice", best: 0.625, bestEpoch: 1));
        handler.RunCompleted(new TrainingRunInfo(2, 0, 0, 3, _dir, 2), null);

        var file = Directory.GetFiles(_dir).Single();
        Assert.That(Path.GetFileName(file), Is.EqualTo("events.out.tfevents.1700000000.testhost"));
        var golden = File.ReadAllBytes(Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", "training", "events.out.tfevents.1700000000.testhost"));
        Assert.That(File.ReadAllBytes(file), Is.EqualTo(golden));
    }

    [Test]
    public void IntervalZeroRecordsEpochsOnlyWithEveryMetricAndAuxTag()
    {
        using var handler = new TensorBoardHandler(clock: new SteppingClock(Start, TimeSpan.FromSeconds(1)), host: "h");
        handler.RunStarted(new TrainingRunInfo(3, 0, 0, 2, _dir, SummaryInterval: 0));
        for (var s = 1; s <= 2; s++) handler.IterationCompleted(Step(0, s, 2, s, 1.0 / s, 0.01));
        handler.EpochCompleted(Epoch(0, 3, 2, 2, 0.75, 0.01, waited: 0.2, aux: new Dictionary<string, double> { ["negloss"] = -0.75, ["dice_tc"] = 0.3 },
            metrics: new Dictionary<string, double> { ["val_dice"] = 0.4, ["val_negloss"] = -0.6 }, keyMetric: "val_dice", best: 0.4, bestEpoch: 1));

        var events = EventFileReader.Read(Directory.GetFiles(_dir).Single());
        Assert.That(events, Has.Count.EqualTo(2));
        Assert.That(events[0].FileVersion, Is.EqualTo("brain.Event:2"));
        Assert.That(events[0].WallTime, Is.EqualTo(1_700_000_000.5));
        Assert.That(events[1].Step, Is.EqualTo(2));
        Assert.That(events[1].WallTime, Is.EqualTo(1_700_000_001.5));
        Assert.That(events[1].Scalars.ToDictionary(), Is.EquivalentTo(new Dictionary<string, float>
        {
            ["epoch/loss"] = 0.75f, ["epoch/learning_rate"] = 0.01f, ["epoch/waited_fraction"] = 0.2f,
            ["epoch/negloss"] = -0.75f, ["epoch/dice_tc"] = 0.3f, ["validation/val_dice"] = 0.4f, ["validation/val_negloss"] = -0.6f,
        }));
    }

    [Test]
    public void StepRecordsComeEveryIntervalAsMeansSinceThePreviousRecord()
    {
        using var handler = new TensorBoardHandler(clock: new SteppingClock(Start, TimeSpan.FromSeconds(1)), host: "h");
        handler.RunStarted(new TrainingRunInfo(1, 0, 0, 7, _dir, SummaryInterval: 3));
        for (var s = 1; s <= 7; s++) handler.IterationCompleted(Step(0, s, 7, s, s, 0.1 * s));

        var steps = EventFileReader.Read(Directory.GetFiles(_dir).Single()).Skip(1).ToList();
        Assert.That(steps.Select(e => e.Step), Is.EqualTo(new long[] { 3, 6 }));
        Assert.That(steps.Select(e => e.Scalars.ToDictionary()["train/loss"]), Is.EqualTo(new[] { 2f, 5f }), "means of 1..3 and 4..6");
        Assert.That(steps.Select(e => e.Scalars.ToDictionary()["train/learning_rate"]), Is.EqualTo(new[] { 0.3f, 0.6f }).Within(1e-7f));
    }

    [Test]
    public void AnEpochIsReadableWhileTheRunIsStillOpen()
    {
        var handler = new TensorBoardHandler(clock: new SteppingClock(Start, TimeSpan.FromSeconds(1)), host: "h");
        handler.RunStarted(new TrainingRunInfo(5, 0, 0, 1, _dir, SummaryInterval: 0));
        handler.IterationCompleted(Step(0, 1, 1, 1, 0.5, 0.01));
        handler.EpochCompleted(Epoch(0, 5, 1, 1, 0.5, 0.01));

        // Not disposed, as after a kill: the epoch must already be on disk.
        var events = EventFileReader.Read(handler.FilePath!);
        Assert.That(events.Last().Scalars.ToDictionary()["epoch/loss"], Is.EqualTo(0.5f));
        handler.Dispose();
    }

    [Test]
    public void AResumedRunStartsAnotherFileBesideTheFirst()
    {
        var clock = new SteppingClock(Start, TimeSpan.Zero);
        using (var first = new TensorBoardHandler(clock: clock, host: "h"))
            first.RunStarted(new TrainingRunInfo(2, 0, 0, 1, _dir, 0));
        using (var second = new TensorBoardHandler(clock: clock, host: "h"))
            second.RunStarted(new TrainingRunInfo(2, 1, 1, 1, _dir, 0));
        Assert.That(Directory.GetFiles(_dir).Select(Path.GetFileName),
            Is.EquivalentTo(new[] { "events.out.tfevents.1700000000.h", "events.out.tfevents.1700000000.h.1" }));
    }

    [Test]
    public void AnUnwritableDirectoryGivesOneWarningAndNoException()
    {
        var notADirectory = Path.Combine(_dir, "file");
        File.WriteAllText(notADirectory, "x");
        var warnings = new StringWriter();
        using var handler = new TensorBoardHandler(outputDir: notADirectory, warnings: warnings);
        handler.RunStarted(new TrainingRunInfo(1, 0, 0, 1, _dir, 1));
        handler.IterationCompleted(Step(0, 1, 1, 1, 0.5, 0.01));
        handler.EpochCompleted(Epoch(0, 1, 1, 1, 0.5, 0.01));
        Assert.That(warnings.ToString(), Does.StartWith("warning: TensorBoard recording stopped"));
        Assert.That(warnings.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries), Has.Length.EqualTo(1));
        Assert.That(handler.FilePath, Is.Null);
    }
}
