using NUnit.Framework;
using Pipeline.Components;
using Pipeline.Configuration.Documents;
using Pipeline.Data;
using Pipeline.Imaging;
using Pipeline.Inferers;
using Pipeline.Workflows.Evaluation;
using static TorchSharp.torch;

namespace Pipeline.Tests.Workflows.Evaluation;

/// <summary>The evaluator prepares inputs ahead of inference in a bounded queue, keeps data-list order, and fails a bad input alone.</summary>
public sealed class BulkEvaluatorStreamingTests
{
    /// <summary>Makes a small image for each input and counts the inputs prepared but not yet finished.</summary>
    private sealed class SyntheticImage(Counter counter, int failAt) : ITransform
    {
        public bool IsDeterministic => true;

        public void Apply(TransformContext context)
        {
            if (context.Sample.Index == failAt) throw new InvalidOperationException($"cannot read input {failAt}");
            counter.Enter();
            context.Set("image", new MedicalImage(full(new long[] { 1, 4, 4, 4 }, context.Sample.Index % 2), AffineMatrix.Identity));
        }
    }

    private sealed class Finished(Counter counter) : ITransform
    {
        public bool IsDeterministic => true;

        public void Apply(TransformContext context)
        {
            Thread.Sleep(5); // inference slower than loading, so the queue fills up
            counter.Leave();
        }
    }

    private sealed class Counter
    {
        private int _inFlight;

        public int Max { get; private set; }

        public void Enter()
        {
            lock (this) Max = Math.Max(Max, ++_inFlight);
        }

        public void Leave()
        {
            lock (this) _inFlight--;
        }
    }

    [Test]
    public void AtMostOneInputWaitsWhileAnotherIsPreparedAndOrderIsKept()
    {
        var counter = new Counter();
        using var network = new IntensityAsTwoClasses();
        var setup = new EvaluationSetup(network, new SimpleInferer(), new TransformChain([new SyntheticImage(counter, failAt: 7)]),
            new TransformChain([new Finished(counter)]), new TransformChain([]), [], []);
        var items = Enumerable.Range(0, 20).Select(i => DatalistItem.ForImage(i, $"/no/such/case{i}.nii.gz")).ToList();
        var plan = OutputPlan.Create(items, [], new Pipeline.IO.OutputFolder("/tmp", "test"));

        var outcomes = new BulkEvaluator(setup, new EvaluationSettings(false, false, false, "/tmp", PrefetchCount: 1))
            .Run(items, plan, new Dictionary<int, ItemOutcome>(), TextWriter.Null);

        Assert.That(outcomes.Select(o => o.Index), Is.EqualTo(Enumerable.Range(0, 20)));
        Assert.That(counter.Max, Is.InRange(2, 3), "one input inferred, at most one waiting in the queue and one being prepared");
        Assert.That(outcomes.Where(o => o.Status == ItemStatus.Failed).Select(o => o.Index), Is.EqualTo(new[] { 7 }));
        Assert.That(outcomes[7].Error, Does.Contain("cannot read input 7").And.StartWith("pre_transforms"));
        Assert.That(outcomes[7].Image, Does.EndWith("case7.nii.gz"));
    }
}
