using NUnit.Framework;
using Pipeline.Training;
using Pipeline.Workflows.Handlers;
using static Pipeline.Tests.Workflows.Handlers.TrainingRecords;

namespace Pipeline.Tests.Workflows.Handlers;

/// <summary>The timestamped training log under the output directory.</summary>
public sealed class TrainingLogFileHandlerTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);
    private string _dir = null!;

    [SetUp]
    public void CreateFolder() => _dir = Directory.CreateTempSubdirectory("training-log-").FullName;

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_dir, true);

    private string LogPath => Path.Combine(_dir, "models", "training.log");

    private static string[] ReadShared(string path) =>
        System.Text.Encoding.UTF8.GetString(EventFileReader.ReadShared(path)).Split('\n', StringSplitOptions.RemoveEmptyEntries);

    [Test]
    public void ARunWritesStartEpochsAndEndWithTimestamps()
    {
        var run = new TrainingRunInfo(2, 0, 0, 3, Path.Combine(_dir, "models"), 0);
        var handler = new TrainingLogFileHandler(clock: new SteppingClock(Start, TimeSpan.FromMinutes(1)));
        handler.RunStarted(run);
        ((ITrainingHandler)handler).IterationCompleted(Step(0, 1, 3, 1, 0.5, 0.01));
        var first = Epoch(0, 2, 3, 3, 0.5, 0.01, seconds: 3, metrics: new Dictionary<string, double> { ["dice"] = 0.7 }, keyMetric: "dice", best: 0.7, bestEpoch: 1, validationSeconds: 1);
        handler.EpochCompleted(first);
        var second = Epoch(1, 2, 6, 3, 0.25, 0.005, seconds: 3, waited: 0.5, keyMetric: "dice", best: 0.7, bestEpoch: 1);
        handler.EpochCompleted(second);
        handler.RunCompleted(run, second);

        Assert.That(File.ReadAllLines(LogPath), Is.EqualTo(new[]
        {
            "2026-01-02 03:04:05Z training epochs 1-2 of 2, 3 steps per epoch",
            "2026-01-02 03:05:05Z epoch 1/2: loss 0.5000, lr 0.01 | dice 0.7000, best dice 0.7000 (epoch 1) | 3.0 s + 1.0 s validation, waited 0%",
            "2026-01-02 03:06:05Z epoch 2/2: loss 0.2500, lr 0.005 | best dice 0.7000 (epoch 1) | 3.0 s, waited 50%",
            "2026-01-02 03:07:05Z training finished after epoch 2: loss 0.2500, best dice 0.7000 (epoch 1)",
        }));
    }

    [Test]
    public void AResumedRunAppendsToTheSameLog()
    {
        var clock = new SteppingClock(Start, TimeSpan.FromSeconds(1));
        using (var first = new TrainingLogFileHandler(clock: clock))
        {
            first.RunStarted(new TrainingRunInfo(4, 0, 0, 10, Path.Combine(_dir, "models"), 0));
            first.EpochCompleted(Epoch(0, 4, 10, 10, 0.5, 0.01));
        }
        using (var resumed = new TrainingLogFileHandler(clock: clock))
            resumed.RunStarted(new TrainingRunInfo(4, 1, 10, 10, Path.Combine(_dir, "models"), 0));

        var lines = File.ReadAllLines(LogPath);
        Assert.That(lines, Has.Length.EqualTo(3));
        Assert.That(lines[1], Does.Contain("epoch 1/4: loss 0.5000"));
        Assert.That(lines[2], Is.EqualTo("2026-01-02 03:04:07Z training epochs 2-4 of 4 from step 10, 10 steps per epoch"));
    }

    [Test]
    public void EachEpochIsOnDiskBeforeTheRunEnds()
    {
        var handler = new TrainingLogFileHandler(outputDir: Path.Combine(_dir, "models"), clock: new SteppingClock(Start, TimeSpan.Zero));
        handler.RunStarted(new TrainingRunInfo(3, 0, 0, 1, "ignored when a directory is given", 0));
        handler.EpochCompleted(Epoch(0, 3, 1, 1, 0.5, 0.01));
        Assert.That(ReadShared(LogPath).Last(), Does.Contain("epoch 1/3"));
        handler.Dispose();
    }

    [Test]
    public void AnUnwritableLogGivesOneWarningAndNoException()
    {
        var notADirectory = Path.Combine(_dir, "file");
        File.WriteAllText(notADirectory, "x");
        var warnings = new StringWriter();
        using var handler = new TrainingLogFileHandler(outputDir: notADirectory, warnings: warnings);
        handler.RunStarted(new TrainingRunInfo(1, 0, 0, 1, _dir, 0));
        handler.EpochCompleted(Epoch(0, 1, 1, 1, 0.5, 0.01));
        Assert.That(warnings.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries), Has.Length.EqualTo(1));
        Assert.That(warnings.ToString(), Does.StartWith("warning: the training log stopped"));
    }
}
