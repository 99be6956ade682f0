using Pipeline.Native;
using Pipeline.Runner;

// Torch's natives must be in place before any type touches TorchSharp.torch; otherwise TorchSharp falls back to
// copying ~480 MB of libraries and then fails with a long trace.
try
{
    TorchNativeLoader.EnsureLoaded();
}
catch (TorchNativeLoadException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return ExitCodes.Failure;
}
return await MmarCli.RunAsync(args);
