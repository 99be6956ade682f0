namespace Pipeline.Workflows.Training;

/// <summary>What a training run did to <c>model.ckpt</c>, for its closing message.</summary>
public enum BestModelOutcome
{
    /// <summary>Left as it was: no validation improved on it, or none ran and one existed.</summary>
    Unchanged,

    /// <summary>Written with the run's best validated weights.</summary>
    Written,

    /// <summary>Written with the run's best validated weights; the earlier run's model was kept as <c>model_previous.ckpt</c>.</summary>
    ReplacedEarlier,

    /// <summary>No validation ran and none existed: written with the final weights, judged by no metric.</summary>
    Unvalidated,
}
