using TorchSharp;
using TorchSharp.Modules;

namespace Pipeline.Training;

/// <summary>An optimizer configured from a config's <c>optimizer</c> section; the model (and so its parameters) exists only later.</summary>
public interface IOptimizerFactory
{
    /// <summary>
    /// The <c>learning_rate</c> arg of the optimizer section, if given. The config's top-level <c>learning_rate</c>
    /// takes precedence; this value is used only when the top level has none.
    /// </summary>
    double? LearningRate { get; }

    /// <summary>Creates the optimizer over <paramref name="parameters"/> starting at <paramref name="learningRate"/>.</summary>
    torch.optim.Optimizer Create(IEnumerable<Parameter> parameters, double learningRate);
}
