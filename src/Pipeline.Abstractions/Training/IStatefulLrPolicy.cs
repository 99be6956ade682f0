using System.Text.Json.Nodes;

namespace Pipeline.Training;

/// <summary>A learning-rate policy with state that a checkpoint must keep so that a resumed run continues identically.</summary>
public interface IStatefulLrPolicy : ILrPolicy
{
    /// <summary>The policy's state as JSON.</summary>
    JsonObject SaveState();

    /// <summary>Restores state written by <see cref="SaveState"/>; throws <see cref="FormatException"/> when it does not fit.</summary>
    void LoadState(JsonObject state);
}
