using System.Text.Json.Nodes;

namespace Pipeline.Training;

/// <summary>A learning-rate policy (a config's <c>lr_policy</c> section): the learning rate for the current point of training.</summary>
public interface ILrPolicy
{
    /// <summary>The learning rate to use now; asking twice with the same context gives the same answer.</summary>
    double LearningRate(LrPolicyContext context);
}

/// <summary>A learning-rate policy with state that a checkpoint must keep so that a resumed run continues identically.</summary>
public interface IStatefulLrPolicy : ILrPolicy
{
    /// <summary>The policy's state as JSON.</summary>
    JsonObject SaveState();

    /// <summary>Restores state written by <see cref="SaveState"/>; throws <see cref="FormatException"/> when it does not fit.</summary>
    void LoadState(JsonObject state);
}
