namespace Pipeline.Training;

/// <summary>A learning-rate policy (a config's <c>lr_policy</c> section): the learning rate for the current point of training.</summary>
public interface ILrPolicy
{
    /// <summary>The learning rate to use now; asking twice with the same context gives the same answer.</summary>
    double LearningRate(LrPolicyContext context);
}
