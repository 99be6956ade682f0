using Pipeline.Configuration;
using Pipeline.Data;
using Pipeline.Native;

namespace Pipeline.Runner.Console;

/// <summary>Runs a command body and turns user-facing failures into one clear message and an exit code, never a stack trace.</summary>
public static class UserErrors
{
    /// <summary>Runs <paramref name="body"/>; known failures are printed to <paramref name="error"/> and mapped to exit codes.</summary>
    public static int Run(TextWriter error, Func<int> body)
    {
        try
        {
            return body();
        }
        catch (ConfigException e)
        {
            ProblemPrinter.Print(error, e.Problems);
            return ExitCodes.ConfigError;
        }
        catch (IO.OutputPathException e)
        {
            error.WriteLine($"error: {e.Message}");
            return ExitCodes.ConfigError;
        }
        catch (TorchNativeLoadException e)
        {
            error.WriteLine($"error: {e.Message}");
            return ExitCodes.Failure;
        }
        catch (SampleFieldException e)
        {
            error.WriteLine($"error: {e.Message}");
            return ExitCodes.Failure;
        }
        catch (Exception e) when (IsUserFacing(e))
        {
            error.WriteLine($"error: {e.Message}");
            return ExitCodes.Failure;
        }
        catch (Exception e) when (e is System.Runtime.InteropServices.ExternalException or OutOfMemoryException)
        {
            // libtorch's own failures (most often memory) are the machine's, not a bug of ours: no backtrace.
            error.WriteLine($"error: {NativeErrorText.Of(e)}");
            return ExitCodes.Failure;
        }
    }

    // Data and file problems are the user's to fix; anything else is a bug and keeps its stack trace.
    private static bool IsUserFacing(Exception e) =>
        e is IOException or UnauthorizedAccessException or InvalidDataException or ImageIO.Nifti.NiftiFormatException
            or Networks.Weights.SafetensorsFormatException or Networks.Checkpoints.CheckpointFormatException
            or Networks.Weights.WeightMismatchException or Workflows.Evaluation.EvaluationInputException
            or Onnx.ExecutionProviderException or Networks.Export.ExportNotSupportedException
            or Workflows.Training.TrainingDivergedException or Workflows.Training.TrainingFailedException or Workflows.Training.ResumeException or Workflows.Pipelines.ImagePipelineException
            or Workflows.Distributed.RankTimeoutException or DllNotFoundException;
}
