namespace Pipeline.Tests.Onnx;

/// <summary>Keeps a copy of each exported model in <c>MMAR_DUMP_ONNX</c> when it is set, for tools/fixtures/check_onnx_models.py (the ONNX checker) to judge.</summary>
internal static class OnnxModelDump
{
    public static void Keep(string path, string name)
    {
        if (Environment.GetEnvironmentVariable("MMAR_DUMP_ONNX") is not { Length: > 0 } folder) return;
        Directory.CreateDirectory(folder);
        File.Copy(path, Path.Combine(folder, name + ".onnx"), overwrite: true);
    }
}
