using NUnit.Framework;
using Pipeline.Native;

namespace Pipeline.Tests;

/// <summary>Loads torch's native libraries once, before any test touches a tensor.</summary>
[SetUpFixture]
public sealed class TorchSetup
{
    [OneTimeSetUp]
    public void LoadNatives() => TorchNativeLoader.EnsureLoaded();
}
