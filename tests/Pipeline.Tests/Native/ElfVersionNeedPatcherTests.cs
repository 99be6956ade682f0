using NUnit.Framework;
using Pipeline.Native;
using static TorchSharp.torch;

namespace Pipeline.Tests.Native;

public sealed class ElfVersionNeedPatcherTests
{
    private static string OriginalLibrary =>
        Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");

    [Test]
    public void WeakensOnlyTheNamedVersion()
    {
        var bytes = File.ReadAllBytes(OriginalLibrary);
        var before = ElfVersionNeedPatcher.ReadRequirements(bytes);
        Assert.That(before, Has.Some.Matches<(string File, string Version, bool Weak)>(r => r.Version == "GLIBCXX_3.4.32" && !r.Weak));

        var changed = ElfVersionNeedPatcher.Weaken(bytes, new HashSet<string> { "GLIBCXX_3.4.32" });
        var after = ElfVersionNeedPatcher.ReadRequirements(bytes);

        Assert.That(changed, Is.EqualTo(1));
        Assert.That(after.Single(r => r.Version == "GLIBCXX_3.4.32").Weak, Is.True);
        Assert.That(after.Where(r => r.Version != "GLIBCXX_3.4.32"), Is.EqualTo(before.Where(r => r.Version != "GLIBCXX_3.4.32")));
        Assert.That(ElfVersionNeedPatcher.Weaken(bytes, new HashSet<string> { "GLIBCXX_3.4.32" }), Is.Zero, "patching is idempotent");
    }

    [Test]
    public void RejectsNonElfInput() =>
        Assert.Throws<InvalidDataException>(() => ElfVersionNeedPatcher.ReadRequirements(new byte[100]));

    [Test]
    public void TorchRunsAfterLoading()
    {
        TorchNativeLoader.EnsureLoaded();
        using var t = arange(10, dtype: ScalarType.Float32);
        Assert.That(t.sum().item<float>(), Is.EqualTo(45f));
        Assert.That(Directory.Exists(Path.Combine(AppContext.BaseDirectory, "cpu")), Is.False, "TorchSharp's copy fallback must not run");
    }
}
