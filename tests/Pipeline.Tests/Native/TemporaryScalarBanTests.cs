using System.Reflection;
using NUnit.Framework;
using Pipeline.Tests.Runner;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Tests.Native;

/// <summary>Every TorchSharp member that hands libtorch a temporary scalar, found by reading TorchSharp's IL, is banned in src/BannedSymbols.txt.</summary>
/// <remarks>
/// A member passes a temporary when its body converts more numbers to <see cref="Scalar"/>s than it disposes (so nothing
/// holds them through the native call), or calls or wraps in a delegate a member that does. The guarded surface is what segmentation code calls:
/// tensor methods and operators, <c>torch.*</c>, <c>nn.functional</c>, the number-to-Scalar conversions, and the
/// <c>nn</c> and <c>optim</c> factories of modules and optimizers whose <c>forward</c> or <c>step</c> passes one. A newer
/// TorchSharp that adds or fixes such members fails this test until the list is brought up to date.
/// </remarks>
public sealed class TemporaryScalarBanTests
{
    private static readonly Lazy<IReadOnlySet<string>> Banned = new(() => File.ReadLines(Path.Combine(RepoPaths.Root, "src", "BannedSymbols.txt"))
        .Where(line => line.Length > 0 && !line.StartsWith('#'))
        .Select(line => line.Split(';')[0].Trim())
        .ToHashSet(StringComparer.Ordinal));

    [Test]
    public void EveryGuardedMemberThatPassesATemporaryScalarIsBanned()
    {
        var missing = TemporaryScalarScan.GuardedMembers().Where(id => !Banned.Value.Contains(id)).Distinct().ToList();
        foreach (var id in missing) TestContext.Out.WriteLine(id);

        Assert.That(missing, Is.Empty, "add these to src/BannedSymbols.txt (and give src a held-scalar way to do the same)");
    }

    [Test]
    public void TheScanFindsTheMembersThatFailedInPractice()
    {
        var found = TemporaryScalarScan.GuardedMembers().ToHashSet(StringComparer.Ordinal);

        Assert.That(found, Does.Contain("M:TorchSharp.torch.Tensor.add_(TorchSharp.torch.Tensor)"), "Tensor.add_ passes a hidden alpha of 1");
        Assert.That(found, Does.Contain("M:TorchSharp.torch.Tensor.add_(TorchSharp.Scalar)"));
        Assert.That(found, Does.Contain("M:TorchSharp.torch.Tensor.op_Addition(TorchSharp.torch.Tensor,TorchSharp.torch.Tensor)"));
        Assert.That(found, Does.Contain("M:TorchSharp.Scalar.op_Implicit(System.Double)~TorchSharp.Scalar"));
        Assert.That(found, Does.Contain("M:TorchSharp.torch.nn.LeakyReLU(System.Double,System.Boolean)"), "its forward converts the slope per call");
        Assert.That(found, Does.Contain("M:TorchSharp.torch.optim.SGD(System.Collections.Generic.IEnumerable{TorchSharp.Modules.Parameter},System.Double,System.Double,System.Double,System.Double,System.Boolean,System.Boolean)"));
        Assert.That(found, Does.Not.Contain("M:TorchSharp.torch.Tensor.add_(TorchSharp.torch.Tensor,TorchSharp.Scalar)"), "the form with an explicit alpha is safe");
        Assert.That(found, Does.Not.Contain("M:TorchSharp.torch.Tensor.mul(TorchSharp.Scalar)"));
    }

    [Test]
    public void EveryBannedEntryNamesAMemberThatExists()
    {
        var existing = TemporaryScalarScan.AllPublicMemberIds();

        Assert.That(Banned.Value.Where(id => !existing.Contains(id)).ToList(), Is.Empty, "stale or misspelt entries ban nothing");
    }
}

/// <summary>Reads TorchSharp's IL for members that pass a temporary scalar to native code.</summary>
internal static class TemporaryScalarScan
{
    private const BindingFlags Declared = BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly;

    private static readonly Lazy<HashSet<MethodBase>> Passing = new(FindPassing);

    public static IEnumerable<string> GuardedMembers()
    {
        var passing = Passing.Value;
        var surfaces = new[] { typeof(Tensor), typeof(torch), typeof(nn.functional) };
        foreach (var m in passing.Where(m => m.IsPublic && surfaces.Contains(m.DeclaringType)))
            yield return DocId(m);
        foreach (var m in typeof(Scalar).GetMethods(BindingFlags.Public | BindingFlags.Static).Where(m => m.Name == "op_Implicit"))
            yield return DocId(m);
        // A module or optimizer that passes one on every forward or step is banned where src makes it.
        var unsafeTypes = passing.Where(m => m.Name is "forward" or "step" && m.DeclaringType is { } t && t.IsPublic)
            .Select(m => m.DeclaringType!).ToHashSet();
        foreach (var factory in typeof(nn).GetMethods(BindingFlags.Public | BindingFlags.Static).Concat(typeof(optim).GetMethods(BindingFlags.Public | BindingFlags.Static)))
            if (unsafeTypes.Any(t => t.IsAssignableFrom(factory.ReturnType) || factory.ReturnType.IsSubclassOf(t)))
                yield return DocId(factory);
    }

    public static HashSet<string> AllPublicMemberIds() =>
        Types().Where(t => t.IsVisible)
            .SelectMany(t => t.GetMethods(Declared).Where(m => m.IsPublic).Cast<MethodBase>().Concat(t.GetConstructors().Where(c => c.IsPublic)))
            .Select(DocId)
            .ToHashSet(StringComparer.Ordinal);

    private static Type[] Types()
    {
        try { return typeof(Scalar).Assembly.GetTypes(); }
        catch (ReflectionTypeLoadException e) { return e.Types.OfType<Type>().ToArray(); }
    }

    private static HashSet<MethodBase> FindPassing()
    {
        var conversions = typeof(Scalar).GetMethods(BindingFlags.Public | BindingFlags.Static).Where(m => m.Name == "op_Implicit")
            .Concat(Types().SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static)).Where(m => m.Name == "ToScalar"))
            .Cast<MethodBase>().ToHashSet();
        var callees = new Dictionary<MethodBase, List<MethodBase>>();
        var passing = new HashSet<MethodBase>();
        foreach (var type in Types())
            foreach (var method in type.GetMethods(Declared).Cast<MethodBase>().Concat(type.GetConstructors(Declared)))
            {
                var called = Callees(method);
                callees[method] = called;
                // A body holds what it converts when it disposes as many things as it converts (TorchSharp's `using Scalar s = …`
                // forms); the disposal that ends a foreach holds nothing.
                var converted = called.Count(conversions.Contains);
                var held = called.Count(c => c.Name == "Dispose") - called.Count(c => c.Name == "GetEnumerator");
                if (converted > held) passing.Add(method);
            }
        for (var grew = true; grew;)
        {
            grew = false;
            foreach (var (method, called) in callees)
                if (!passing.Contains(method) && called.Any(passing.Contains))
                    grew = passing.Add(method);
        }
        return passing;
    }

    private static List<MethodBase> Callees(MethodBase method)
    {
        var found = new List<MethodBase>();
        byte[]? il;
        try { il = method.GetMethodBody()?.GetILAsByteArray(); }
        catch (Exception e) when (e is BadImageFormatException or InvalidOperationException) { return found; }
        if (il is null) return found;
        var type = method.DeclaringType;
        var typeArgs = type is { IsGenericType: true } ? type.GetGenericArguments() : null;
        var methodArgs = method.IsGenericMethod ? method.GetGenericArguments() : null;
        // call, callvirt and newobj take a 4-byte method token, as does ldftn (FE 06), which makes a lambda into a delegate (an
        // optimizer's step body is one); a byte that merely looks like an opcode resolves to nothing or to an unrelated member,
        // which can only add callees, never hide one.
        for (var i = 0; i + 4 < il.Length; i++)
        {
            var at = il[i] is 0x28 or 0x6F or 0x73 ? i + 1 : il[i] == 0xFE && il[i + 1] == 0x06 && i + 5 < il.Length ? i + 2 : -1;
            if (at < 0) continue;
            var token = BitConverter.ToInt32(il, at);
            if ((token >> 24) is not (0x06 or 0x0A or 0x2B)) continue;
            try
            {
                if (method.Module.ResolveMethod(token, typeArgs, methodArgs) is { } callee) found.Add(callee);
            }
            catch (Exception e) when (e is ArgumentException or BadImageFormatException or TypeLoadException or MissingMethodException) { }
        }
        return found;
    }

    /// <summary>The member's documentation ID, as BannedSymbols.txt names it.</summary>
    private static string DocId(MethodBase m)
    {
        var name = m is ConstructorInfo ? "#ctor" : m.Name;
        var parameters = m.GetParameters();
        var args = parameters.Length == 0 ? "" : "(" + string.Join(",", parameters.Select(p => TypeId(p.ParameterType))) + ")";
        var conversion = m.Name is "op_Implicit" or "op_Explicit" ? "~" + TypeId(((MethodInfo)m).ReturnType) : "";
        return $"M:{TypeId(m.DeclaringType!)}.{name}{args}{conversion}";
    }

    private static string TypeId(Type t)
    {
        if (t.IsByRef) return TypeId(t.GetElementType()!) + "@";
        if (t.IsArray) return TypeId(t.GetElementType()!) + "[]";
        if (t.IsGenericParameter) return (t.DeclaringMethod is null ? "`" : "``") + t.GenericParameterPosition;
        if (t.IsGenericType)
        {
            var definition = t.GetGenericTypeDefinition();
            var baseName = (definition.FullName ?? definition.Name).Split('`')[0].Replace('+', '.');
            return baseName + "{" + string.Join(",", t.GetGenericArguments().Select(TypeId)) + "}";
        }
        return (t.FullName ?? t.Name).Replace('+', '.');
    }
}
