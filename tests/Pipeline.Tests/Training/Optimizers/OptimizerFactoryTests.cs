using NUnit.Framework;
using Pipeline.Components;
using Pipeline.Tests.Support;
using Pipeline.Training;
using Pipeline.Training.Optimizers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Tests.Training.Optimizers;

/// <summary>Clara's optimizers bound from config JSON and the updates they make.</summary>
public sealed class OptimizerFactoryTests
{
    private static readonly Type[] Types = [typeof(AdamOptimizerFactory), typeof(MomentumOptimizerFactory), typeof(NovoGradOptimizerFactory)];

    private static IOptimizerFactory Bind(string name, string args)
    {
        var (component, problems) = ConfigBinding.Create(ComponentKind.Optimizer, Types, name, args, "config_train.json", "train.optimizer");
        Assert.That(problems.Items, Is.Empty, string.Join("; ", problems.Items.Select(p => $"{p.JsonPath}: {p.Message}")));
        return (IOptimizerFactory)component!;
    }

    /// <summary>Takes <paramref name="steps"/> steps on f(w) = Σ w² from w = (1, −2) and returns w.</summary>
    private static float[] Run(IOptimizerFactory factory, double lr, int steps)
    {
        using var scope = NewDisposeScope();
        using var w = new Parameter(tensor(new float[] { 1, -2 }));
        using var optimizer = factory.Create([w], lr);
        for (var i = 0; i < steps; i++)
        {
            optimizer.zero_grad();
            (w * w).sum().backward();
            optimizer.step();
        }
        return w.detach().data<float>().ToArray();
    }

    [Test]
    public void ClaraConfigsWithoutArgsBind()
    {
        Assert.That(Bind("Adam", "{}"), Is.InstanceOf<AdamOptimizerFactory>());
        Assert.That(Bind("Momentum", "{}"), Is.InstanceOf<MomentumOptimizerFactory>());
        var novograd = (NovoGradOptimizerFactory)Bind("NovoGrad", "{}");
        Assert.That((novograd.Beta1, novograd.Beta2, novograd.Epsilon, novograd.WeightDecay), Is.EqualTo((0.95, 0.98, 1e-8, 0.0)));
        Assert.That(novograd.LearningRate, Is.Null);
    }

    [Test]
    public void TfSpellingsAndTheOptimizerLearningRateBind()
    {
        var adam = (AdamOptimizerFactory)Bind("Adam", """{"beta1": 0.8, "beta2": 0.99, "epsilon": 1e-7, "learning_rate": 3e-4}""");
        Assert.That((adam.Beta1, adam.Beta2, adam.Epsilon, adam.LearningRate), Is.EqualTo((0.8, 0.99, 1e-7, (double?)3e-4)));
        Assert.That(((AdamOptimizerFactory)Bind("Adam", """{"eps": 1e-6}""")).Epsilon, Is.EqualTo(1e-6));
        var momentum = (MomentumOptimizerFactory)Bind("Momentum", """{"momentum": 0.99, "use_nesterov": true}""");
        Assert.That((momentum.Momentum, momentum.UseNesterov), Is.EqualTo((0.99, true)));
        var novograd = (NovoGradOptimizerFactory)Bind("NovoGrad", """{"beta1": 0.9, "grad_averaging": true, "use_locking": false, "name": "NovoGrad"}""");
        Assert.That((novograd.Beta1, novograd.GradAveraging), Is.EqualTo((0.9, true)));
    }

    [TestCase("Adam", """{"beta1": 1.0}""", "train.optimizer.args.beta1", "[0, 1)")]
    [TestCase("Adam", """{"learning_rate": 0}""", "train.optimizer.args.learning_rate", "> 0")]
    [TestCase("Momentum", """{"momentum": -0.1}""", "train.optimizer.args.momentum", "[0, 1)")]
    [TestCase("Momentum", """{"momentum": 0, "use_nesterov": true}""", "train.optimizer.args.use_nesterov", "momentum > 0")]
    [TestCase("NovoGrad", """{"weight_decay": -1}""", "train.optimizer.args.weight_decay", "≥ 0")]
    public void BadArgsAreReportedAtTheirPath(string name, string args, string path, string message)
    {
        var (component, problems) = ConfigBinding.Create(ComponentKind.Optimizer, Types, name, args, "config_train.json", "train.optimizer");
        Assert.That(component, Is.Null);
        var problem = problems.Items.Single();
        Assert.That(problem.JsonPath, Is.EqualTo(path));
        Assert.That(problem.Message, Does.Contain(message));
    }

    [Test]
    public void MomentumIsTfMomentumUpdate()
    {
        // g = 2w. a₁ = g₀; w₁ = w₀ − lr·a₁. a₂ = μ·a₁ + g₁; w₂ = w₁ − lr·a₂ (TF1 MomentumOptimizer, no dampening).
        const double lr = 0.1, mu = 0.9;
        double[] w0 = [1, -2];
        var a1 = w0.Select(x => 2 * x).ToArray();
        var w1 = w0.Zip(a1, (x, a) => x - lr * a).ToArray();
        var a2 = a1.Zip(w1, (a, x) => mu * a + 2 * x).ToArray();
        var w2 = w1.Zip(a2, (x, a) => x - lr * a).ToArray();
        Assert.That(Run(new MomentumOptimizerFactory(mu), lr, 2), Is.EqualTo(w2.Select(x => (float)x)).Within(1e-6f));

        // Nesterov: w ← w − lr·(g + μ·a) with a updated first.
        var n1 = w0.Zip(a1, (x, a) => x - lr * (2 * x + mu * a)).ToArray();
        Assert.That(Run(new MomentumOptimizerFactory(mu, useNesterov: true), lr, 1), Is.EqualTo(n1.Select(x => (float)x)).Within(1e-6f));
    }

    [Test]
    public void AdamFirstStepHasLengthLrPerCoordinate()
    {
        // After one bias-corrected step m̂/√v̂ = g/|g| = sign(g): each coordinate moves by lr (up to ε).
        Assert.That(Run(new AdamOptimizerFactory(), 0.01, 1), Is.EqualTo(new[] { 0.99f, -1.99f }).Within(1e-6f));
    }

    [Test]
    public void PolicyLearningRateReachesTheOptimizer()
    {
        using var scope = NewDisposeScope();
        using var w = new Parameter(zeros(1));
        foreach (var factory in new IOptimizerFactory[] { new AdamOptimizerFactory(), new MomentumOptimizerFactory(), new NovoGradOptimizerFactory() })
        {
            using var optimizer = factory.Create([w], 0.1);
            Assert.That(OptimizerLearningRate.Get(optimizer), Is.EqualTo(0.1));
            OptimizerLearningRate.Set(optimizer, 0.025);
            Assert.That(OptimizerLearningRate.Get(optimizer), Is.EqualTo(0.025), factory.GetType().Name);
        }
    }
}
