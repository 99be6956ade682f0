using Pipeline.Components;
using TorchSharp;
using TorchSharp.Modules;

namespace Pipeline.Training.Optimizers;

/// <summary>Clara's <c>NovoGrad</c> (NVIDIA's layer-wise adaptive optimizer) as <see cref="NovoGradOptimizer"/>.</summary>
/// <remarks>Clara's <c>use_locking</c> and <c>name</c> are TF graph details and are accepted and ignored.</remarks>
[Component(ComponentKind.Optimizer, "NovoGrad")]
public sealed class NovoGradOptimizerFactory : IOptimizerFactory
{
    /// <summary>Configures the optimizer.</summary>
    public NovoGradOptimizerFactory(double beta1 = 0.95, double beta2 = 0.98, [Arg("epsilon", "eps")] double epsilon = 1e-8,
        double weightDecay = 0.0, bool gradAveraging = false, bool amsgrad = false, double? learningRate = null,
        bool useLocking = false, string name = "NovoGrad")
    {
        OptimizerArgs.CheckBeta("beta1", beta1);
        OptimizerArgs.CheckBeta("beta2", beta2);
        OptimizerArgs.CheckNonNegative("epsilon", epsilon);
        OptimizerArgs.CheckNonNegative("weight_decay", weightDecay);
        OptimizerArgs.CheckLearningRate(learningRate);
        _ = (useLocking, name);
        (Beta1, Beta2, Epsilon, WeightDecay, GradAveraging, Amsgrad, LearningRate) =
            (beta1, beta2, epsilon, weightDecay, gradAveraging, amsgrad, learningRate);
    }

    /// <summary>First-moment decay.</summary>
    public double Beta1 { get; }

    /// <summary>Layer-wise second-moment decay.</summary>
    public double Beta2 { get; }

    /// <summary>Added to √v.</summary>
    public double Epsilon { get; }

    /// <summary>Weight decay added to the normalised gradient.</summary>
    public double WeightDecay { get; }

    /// <summary>Whether the normalised gradient is scaled by 1 − β₁.</summary>
    public bool GradAveraging { get; }

    /// <summary>Whether the running maximum of the second moment is used.</summary>
    public bool Amsgrad { get; }

    /// <inheritdoc />
    public double? LearningRate { get; }

    /// <inheritdoc />
    public torch.optim.Optimizer Create(IEnumerable<Parameter> parameters, double learningRate) =>
        new NovoGradOptimizer(parameters, learningRate, Beta1, Beta2, Epsilon, WeightDecay, GradAveraging, Amsgrad);
}
