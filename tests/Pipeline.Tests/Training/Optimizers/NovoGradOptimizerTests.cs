using System.Text.Json.Nodes;
using NUnit.Framework;
using Pipeline.Training.Optimizers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Tests.Training.Optimizers;

/// <summary>NovoGrad against trajectories written by tools/fixtures/make_novograd_fixture.py (NeMo's update in float64 torch) and against a hand-worked first step.</summary>
public sealed class NovoGradOptimizerTests
{
    private static JsonArray Cases => JsonNode.Parse(File.ReadAllText(
        Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", "training", "novograd.json")))!["cases"]!.AsArray();

    private static float[] Floats(JsonNode? node) => node!.AsArray().Select(n => (float)n!.GetValue<double>()).ToArray();

    public static IEnumerable<string> CaseNames => new[] { "defaults", "weight_decay_grad_averaging", "amsgrad_betas" };

    [TestCaseSource(nameof(CaseNames))]
    public void FollowsTheReferenceTrajectory(string name)
    {
        var c = Cases.Single(x => x!["name"]!.GetValue<string>() == name)!;
        var args = c["args"]!.AsObject();
        double Arg(string key, double fallback) => args[key]?.GetValue<double>() ?? fallback;
        bool Flag(string key) => args[key]?.GetValue<bool>() ?? false;

        using var w = new Parameter(tensor(Floats(c["w0"]), [2, 3]));
        using var b = new Parameter(tensor(Floats(c["b0"]), [3]));
        var lrs = c["lrs"]!.AsArray().Select(n => n!.GetValue<double>()).ToArray();
        using var optimizer = new NovoGradOptimizer([w, b], lrs[0], Arg("beta1", 0.95), Arg("beta2", 0.98), 1e-8,
            Arg("weight_decay", 0), Flag("grad_averaging"), Flag("amsgrad"));
        var grads = c["grads"]!.AsArray();
        for (var step = 0; step < grads.Count; step++)
        {
            using var scope = NewDisposeScope();
            OptimizerLearningRate.Set(optimizer, lrs[step]);
            // Set the gradients through a backward pass of Σ w·gw + Σ b·gb, whose gradients are gw and gb.
            optimizer.zero_grad();
            var gw = tensor(Floats(grads[step]![0]), [2, 3]);
            var gb = tensor(Floats(grads[step]![1]), [3]);
            ((w * gw).sum() + (b * gb).sum()).backward();
            optimizer.step();

            var dw = (w.detach() - tensor(Floats(c["w"]![step]), [2, 3])).abs().max().item<float>();
            var db = (b.detach() - tensor(Floats(c["b"]![step]), [3])).abs().max().item<float>();
            Assert.That(Math.Max(dw, db), Is.LessThan(1e-5f), $"step {step}");
            var v = c["v"]![step]!.AsArray();
            Assert.That(optimizer.SecondMoment(w), Is.EqualTo(v[0]!.GetValue<double>()).Within(1e-4).Percent, $"v_w step {step}");
            Assert.That(optimizer.SecondMoment(b), Is.EqualTo(v[1]!.GetValue<double>()).Within(1e-4).Percent, $"v_b step {step}");
            Assert.That(w.grad!.allclose(gw), Is.True, "the gradient itself is left unchanged");
        }
    }

    [Test]
    public void FirstStepMovesEachLayerByLrTimesItsNormalisedGradient()
    {
        // v = ‖g‖², m = g/‖g‖, w ← w − lr·g/‖g‖: the first step has length lr per layer whatever the gradient scale.
        using var scope = NewDisposeScope();
        using var w = new Parameter(zeros(2));
        using var optimizer = new NovoGradOptimizer([w], lr: 0.1);
        (w * tensor(new float[] { 300, 400 })).sum().backward();
        optimizer.step();
        Assert.That(w.detach().data<float>().ToArray(), Is.EqualTo(new[] { -0.06f, -0.08f }).Within(1e-7f));
        Assert.That(optimizer.SecondMoment(w), Is.EqualTo(250000.0).Within(1e-3));
        Assert.That(optimizer.FirstMoment(w).data<float>().ToArray(), Is.EqualTo(new[] { 0.6f, 0.8f }).Within(1e-7f));
    }

    [Test]
    public void StateRoundTripsThroughTheStateDictStream()
    {
        using var scope = NewDisposeScope();
        using var w1 = new Parameter(tensor(new float[] { 1, 2, 3 }));
        using var first = new NovoGradOptimizer([w1], lr: 0.05, amsgrad: true);
        for (var i = 0; i < 2; i++)
        {
            first.zero_grad();
            (w1 * w1).sum().backward();
            first.step();
        }
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true)) first.save_state_dict(writer);

        using var w2 = new Parameter(w1.detach().clone());
        using var second = new NovoGradOptimizer([w2], lr: 0.05, amsgrad: true);
        stream.Position = 0;
        using (var reader = new BinaryReader(stream)) second.load_state_dict(reader);
        Assert.That(second.SecondMoment(w2), Is.EqualTo(first.SecondMoment(w1)));

        foreach (var (w, opt) in new[] { (w1, first), (w2, second) })
        {
            opt.zero_grad();
            (w * w).sum().backward();
            opt.step();
        }
        Assert.That(w2.detach().allclose(w1.detach(), rtol: 0, atol: 0), Is.True, "a restored optimizer continues identically");
    }

    [Test]
    public void ParametersWithoutGradientsAreLeftAlone()
    {
        using var scope = NewDisposeScope();
        using var used = new Parameter(ones(2));
        using var unused = new Parameter(ones(2));
        using var optimizer = new NovoGradOptimizer([used, unused], lr: 0.1);
        used.sum().backward();
        optimizer.step();
        Assert.That(unused.detach().data<float>().ToArray(), Is.EqualTo(new[] { 1f, 1f }));
        Assert.That(used.detach().data<float>().ToArray(), Is.Not.EqualTo(new[] { 1f, 1f }));
    }
}
