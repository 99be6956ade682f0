using TorchSharp;

namespace Pipeline.Training.Optimizers;

/// <summary>Reads and sets the learning rate of an optimizer, as a learning-rate policy asks before each step.</summary>
public static class OptimizerLearningRate
{
    /// <summary>Sets the learning rate of every parameter group.</summary>
    public static void Set(torch.optim.Optimizer optimizer, double learningRate)
    {
        foreach (var group in optimizer.ParamGroups) group.LearningRate = learningRate;
    }

    /// <summary>The learning rate of the first parameter group.</summary>
    public static double Get(torch.optim.Optimizer optimizer) => optimizer.ParamGroups.First().LearningRate;
}
