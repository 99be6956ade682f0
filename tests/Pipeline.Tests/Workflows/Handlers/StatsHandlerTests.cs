using NUnit.Framework;
using Pipeline.Components;
using Pipeline.Tests.Support;
using Pipeline.Training;
using Pipeline.Workflows.Handlers;
using static Pipeline.Tests.Workflows.Handlers.TrainingRecords;

namespace Pipeline.Tests.Workflows.Handlers;

/// <summary>The console progress bar and epoch summary, on a terminal and in a log.</summary>
public sealed class StatsHandlerTests
{
    private static string[] Lines(StringWriter output) => output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);

    private static void RunEpoch(ITrainingHandler handler, int epoch, int epochs, int steps, int stepsPerEpoch, double stepSeconds = 0.5)
    {
        for (var s = 1; s <= steps; s++)
            handler.IterationCompleted(Step(epoch, s, stepsPerEpoch, (long)epoch * steps + s, loss: s, lr: 0.01, seconds: stepSeconds));
    }

    [Test]
    public void RedirectedOutputGetsOneBarLinePerTenthOfTheEpoch()
    {
        var output = new StringWriter();
        var handler = StatsHandler.WritingTo(output, interactive: false);
        handler.RunStarted(new TrainingRunInfo(3, 0, 0, 20, "unused", 0));
        RunEpoch(handler, 0, 3, 20, 20);

        var lines = Lines(output);
        Assert.That(output.ToString(), Does.Not.Contain("\r"));
        Assert.That(lines, Has.Length.EqualTo(10));
        // Step 10 of 20, each 0.5 s: 2 steps/s, 10 steps left → 5 s; running mean of losses 1..10 = 5.5.
        Assert.That(lines[4], Is.EqualTo("epoch 1/3 [##########----------] 10/20 loss 5.5000, 2.00 steps/s, ETA 0:05"));
        Assert.That(lines[9], Is.EqualTo("epoch 1/3 [####################] 20/20 loss 10.5000, 2.00 steps/s"));
    }

    [Test]
    public void AnEpochShorterThanTenStepsPrintsEachStepOnce()
    {
        var output = new StringWriter();
        var handler = StatsHandler.WritingTo(output, interactive: false);
        handler.RunStarted(new TrainingRunInfo(1, 0, 0, 7, "unused", 0));
        RunEpoch(handler, 0, 1, 7, 7);
        Assert.That(Lines(output).Select(l => l.Split(' ')[3]), Is.EqualTo(new[] { "1/7", "2/7", "3/7", "4/7", "5/7", "6/7", "7/7" }));
    }

    [Test]
    public void UnknownEpochLengthPrintsEveryHundredSteps()
    {
        var output = new StringWriter();
        var handler = StatsHandler.WritingTo(output, interactive: false);
        handler.RunStarted(new TrainingRunInfo(1, 0, 0, 0, "unused", 0));
        RunEpoch(handler, 0, 1, 250, 0);
        Assert.That(Lines(output), Is.EqualTo(new[]
        {
            "epoch 1/1 step 100 loss 50.5000, 2.00 steps/s",
            "epoch 1/1 step 200 loss 100.5000, 2.00 steps/s",
        }));
    }

    [Test]
    public void ATerminalGetsTheBarRedrawnInPlaceThenTheSummaryOnItsOwnLine()
    {
        var output = new StringWriter();
        var handler = StatsHandler.WritingTo(output, interactive: true);
        handler.RunStarted(new TrainingRunInfo(2, 0, 0, 12, "unused", 0));
        RunEpoch(handler, 0, 2, 12, 12);
        Assert.That(output.ToString(), Does.Not.Contain("\n"), "no new line until the epoch ends");
        Assert.That(output.ToString().Count(c => c == '\r'), Is.EqualTo(12));
        handler.EpochCompleted(Epoch(0, 2, 12, 12, 6.5, 0.01, seconds: 6));

        var text = output.ToString();
        var draws = text.Split('\r', StringSplitOptions.RemoveEmptyEntries);
        // Each redraw covers the previous one completely, even when it is shorter (ETA disappears at the end).
        for (var i = 1; i < draws.Length; i++)
            Assert.That(draws[i].TrimEnd('\n').Length, Is.GreaterThanOrEqualTo(draws[i - 1].Split('\n')[0].Length));
        Assert.That(text, Does.EndWith("\nepoch 1/2: loss 6.5000, lr 0.01 | 6.0 s, waited 0%\n"));
    }

    [Test]
    public void TheEpochSummaryHasLossLrAuxMetricsBestTimeAndWaiting()
    {
        var output = new StringWriter();
        var handler = StatsHandler.WritingTo(output, interactive: false);
        handler.EpochCompleted(Epoch(2, 10, 300, 100, 0.23451, 1e-4, seconds: 12.34, waited: 0.123,
            aux: new Dictionary<string, double> { ["dice"] = 0.81234 },
            metrics: new Dictionary<string, double> { ["mean_dice"] = 0.87654, ["val_negloss"] = -0.2 },
            keyMetric: "mean_dice", best: 0.88, bestEpoch: 2, validationSeconds: 4.51));
        Assert.That(Lines(output), Is.EqualTo(new[]
        {
            "epoch 3/10: loss 0.2345, lr 0.0001, dice 0.8123 | mean_dice 0.8765, val_negloss -0.2000, best mean_dice 0.8800 (epoch 2) | 12.3 s + 4.5 s validation, waited 12%",
        }));
    }

    [Test]
    public void AnEpochWithoutValidationStillShowsTheBestSoFar()
    {
        var output = new StringWriter();
        var handler = StatsHandler.WritingTo(output, interactive: false);
        handler.EpochCompleted(Epoch(3, 10, 400, 100, 0.2, 1e-5, seconds: 10, keyMetric: "mean_dice", best: 0.88, bestEpoch: 3));
        handler.RunCompleted(new TrainingRunInfo(10, 0, 0, 100, "unused", 0), Epoch(9, 10, 1000, 100, 0.1, 1e-5, keyMetric: "mean_dice", best: 0.9, bestEpoch: 8));
        Assert.That(Lines(output), Is.EqualTo(new[]
        {
            "epoch 4/10: loss 0.2000, lr 1E-05 | best mean_dice 0.8800 (epoch 3) | 10.0 s, waited 0%",
            "training finished after epoch 10: loss 0.1000, best mean_dice 0.9000 (epoch 8)",
        }));
    }

    [Test]
    public void ConfigCreatesItWithoutArgsAndRejectsAny()
    {
        var (component, problems) = ConfigBinding.Create(ComponentKind.Handler, [typeof(StatsHandler)], "StatsHandler", "{}", "config_train.json", "train.handlers[0]");
        Assert.That(problems.Items, Is.Empty);
        Assert.That(component, Is.InstanceOf<StatsHandler>());

        var (rejected, errors) = ConfigBinding.Create(ComponentKind.Handler, [typeof(StatsHandler)], "StatsHandler", """{"bar_length": 20}""", "config_train.json", "train.handlers[0]");
        Assert.That(rejected, Is.Null);
        Assert.That(errors.Items.Single().Message, Does.Contain("takes no args"));
    }
}
