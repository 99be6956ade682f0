using Pipeline.Components;
using TorchSharp;
using TorchSharp.Modules;

namespace Pipeline.Training.Optimizers;

/// <summary>Clara's <c>Momentum</c> (TF1 MomentumOptimizer) as torch SGD with momentum and no dampening.</summary>
/// <remarks>
/// TF1's update <c>a ← μ·a + g; w ← w − lr·a</c> (Nesterov: <c>w ← w − lr·(g + μ·a)</c>) is exactly torch SGD with
/// <c>dampening = 0</c>. TF1 requires <c>momentum</c>; it defaults to 0.9 here.
/// </remarks>
[Component(ComponentKind.Optimizer, "Momentum")]
public sealed class MomentumOptimizerFactory : IOptimizerFactory
{
    /// <summary>Configures the optimizer.</summary>
    public MomentumOptimizerFactory(double momentum = 0.9, bool useNesterov = false, double weightDecay = 0.0, double? learningRate = null)
    {
        OptimizerArgs.CheckBeta("momentum", momentum);
        if (useNesterov && momentum == 0)
            throw new ConfigArgException("use_nesterov", "Nesterov momentum needs momentum > 0");
        OptimizerArgs.CheckNonNegative("weight_decay", weightDecay);
        OptimizerArgs.CheckLearningRate(learningRate);
        (Momentum, UseNesterov, WeightDecay, LearningRate) = (momentum, useNesterov, weightDecay, learningRate);
    }

    /// <summary>The momentum μ.</summary>
    public double Momentum { get; }

    /// <summary>Whether the Nesterov form is used.</summary>
    public bool UseNesterov { get; }

    /// <summary>L2 penalty added to the gradient.</summary>
    public double WeightDecay { get; }

    /// <inheritdoc />
    public double? LearningRate { get; }

    /// <inheritdoc />
    public torch.optim.Optimizer Create(IEnumerable<Parameter> parameters, double learningRate) =>
        new SGD(parameters, learningRate, Momentum, dampening: 0, weightDecay: WeightDecay, nesterov: UseNesterov);
}
