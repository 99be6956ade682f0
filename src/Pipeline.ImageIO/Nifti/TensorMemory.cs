using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace Pipeline.ImageIO.Nifti;

/// <summary>Raw access to the storage of contiguous CPU tensors.</summary>
internal static class TensorMemory
{
    /// <summary>
    /// The address of a contiguous CPU tensor's first element, valid for all its bytes while the tensor lives — also beyond
    /// 2 GiB, which TorchSharp's <c>bytes</c> span cannot cover.
    /// </summary>
    public static unsafe IntPtr DataPointer(Tensor tensor)
    {
        if (tensor.device_type != TorchSharp.DeviceType.CPU || !tensor.is_contiguous())
            throw new ArgumentException("the tensor must be contiguous and on the CPU", nameof(tensor));
        using var flat = tensor.view(-1);
        using var first = flat.narrow(0, 0, 1);
        return (IntPtr)Unsafe.AsPointer(ref MemoryMarshal.GetReference(first.bytes));
    }
}
