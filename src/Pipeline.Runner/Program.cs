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
// Inference keeps glibc's freed heap for reuse (twice as fast on large volumes); training does not, because its autograd
// buffers would fragment it.
if (args is ["validate", ..] or ["infer", ..] or ["bench", "infer", ..]) TorchAllocatorSettings.KeepFreedHeap();
return await MmarCli.RunAsync(args);
