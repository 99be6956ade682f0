namespace Pipeline.Training;

/// <summary>Observes a training run (Clara's <c>train.handlers</c>, MONAI's event handlers): console statistics, log files, TensorBoard.</summary>
/// <remarks>Every method has an empty default, so a handler implements only the events it needs. Handlers are called on the training thread and must not throw for their own I/O problems beyond a warning.</remarks>
public interface ITrainingHandler
{
    /// <summary>Before the first step (also after a resume, with the restored position).</summary>
    void RunStarted(TrainingRunInfo run) { }

    /// <summary>After every optimizer step.</summary>
    void IterationCompleted(IterationRecord iteration) { }

    /// <summary>After every epoch, with the validation results when validation ran.</summary>
    void EpochCompleted(EpochRecord epoch) { }

    /// <summary>After the last epoch (not after a failure).</summary>
    void RunCompleted(TrainingRunInfo run, EpochRecord? last) { }

    /// <summary>When the run stops on a failure, with the message the user sees; what the handler has recorded so far must stay readable.</summary>
    void RunFailed(string message) { }
}
