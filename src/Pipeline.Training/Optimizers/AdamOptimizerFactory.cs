using Pipeline.Components;
using TorchSharp;
using TorchSharp.Modules;

namespace Pipeline.Training.Optimizers;

/// <summary>Clara's <c>Adam</c> (TF1 AdamOptimizer args) as TorchSharp's Adam.</summary>
/// <remarks>
/// TF1 adds ε to √v before the bias correction of the step size, torch after it; with the default ε = 1e-8 the two
/// differ only while v is tiny. <c>weight_decay</c> is torch's L2 term added to the gradient (TF1 Adam has none).
/// </remarks>
[Component(ComponentKind.Optimizer, "Adam")]
public sealed class AdamOptimizerFactory : IOptimizerFactory
{
    /// <summary>Configures the optimizer.</summary>
    public AdamOptimizerFactory(double beta1 = 0.9, double beta2 = 0.999, [Arg("epsilon", "eps")] double epsilon = 1e-8,
        double weightDecay = 0.0, bool amsgrad = false, double? learningRate = null)
    {
        OptimizerArgs.CheckBeta("beta1", beta1);
        OptimizerArgs.CheckBeta("beta2", beta2);
        OptimizerArgs.CheckNonNegative("epsilon", epsilon);
        OptimizerArgs.CheckNonNegative("weight_decay", weightDecay);
        OptimizerArgs.CheckLearningRate(learningRate);
        (Beta1, Beta2, Epsilon, WeightDecay, Amsgrad, LearningRate) = (beta1, beta2, epsilon, weightDecay, amsgrad, learningRate);
    }

    /// <summary>First-moment decay.</summary>
    public double Beta1 { get; }

    /// <summary>Second-moment decay.</summary>
    public double Beta2 { get; }

    /// <summary>Added to the denominator.</summary>
    public double Epsilon { get; }

    /// <summary>L2 penalty added to the gradient.</summary>
    public double WeightDecay { get; }

    /// <summary>Whether the AMSGrad variant is used.</summary>
    public bool Amsgrad { get; }

    /// <inheritdoc />
    public double? LearningRate { get; }

    /// <inheritdoc />
    public torch.optim.Optimizer Create(IEnumerable<Parameter> parameters, double learningRate) =>
        new Adam(parameters, learningRate, Beta1, Beta2, Epsilon, WeightDecay, Amsgrad);
}
