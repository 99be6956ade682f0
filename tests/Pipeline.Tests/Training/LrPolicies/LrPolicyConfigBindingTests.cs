using NUnit.Framework;
using Pipeline.Components;
using Pipeline.Tests.Support;
using Pipeline.Training.LrPolicies;

namespace Pipeline.Tests.Training.LrPolicies;

/// <summary>Learning-rate policies bound from Clara config JSON as the <c>lr_policy</c> section.</summary>
public sealed class LrPolicyConfigBindingTests
{
    private static readonly Type[] Types = [typeof(ReducePolyPolicy), typeof(ReduceCosinePolicy), typeof(DecayOnStepPolicy), typeof(ReduceOnPlateauPolicy)];

    private static object Bind(string name, string args)
    {
        var (component, problems) = ConfigBinding.Create(ComponentKind.LrPolicy, Types, name, args, "config_train.json", "train.lr_policy");
        Assert.That(problems.Items, Is.Empty, string.Join("; ", problems.Items.Select(p => $"{p.JsonPath}: {p.Message}")));
        return component!;
    }

    [Test]
    public void ClaraArgsBind()
    {
        Assert.That(((ReducePolyPolicy)Bind("ReducePoly", """{"poly_power": 0.99}""")).PolyPower, Is.EqualTo(0.99));
        Assert.That(((ReducePolyPolicy)Bind("ReducePoly", "{}")).PolyPower, Is.EqualTo(0.9));
        Assert.That(((ReduceCosinePolicy)Bind("ReduceCosine", """{"rate": 0.5}""")).Rate, Is.EqualTo(0.5));
        var decay = (DecayOnStepPolicy)Bind("DecayOnStep", """{"decay_ratio": 0.1, "decay_freq": "5000"}""");
        Assert.That((decay.DecayRatio, decay.DecayFreq), Is.EqualTo((0.1, 5000)));
        var plateau = (ReduceOnPlateauPolicy)Bind("ReduceOnPlateau", """{"plateau_count_trigger": 4, "reduction_rate": 0.2}""");
        Assert.That((plateau.PlateauCountTrigger, plateau.ReductionRate), Is.EqualTo((4, 0.2)));
    }

    [TestCase("ReducePoly", """{"poly_power": 0}""", "train.lr_policy.args.poly_power", "> 0")]
    [TestCase("DecayOnStep", """{"decay_ratio": 1.5, "decay_freq": 10}""", "train.lr_policy.args.decay_ratio", "(0, 1]")]
    [TestCase("DecayOnStep", """{"decay_ratio": 0.5, "decay_freq": 0}""", "train.lr_policy.args.decay_freq", "> 0")]
    [TestCase("ReduceOnPlateau", """{"plateau_count_trigger": 3, "reduction_rate": 1}""", "train.lr_policy.args.reduction_rate", "(0, 1)")]
    [TestCase("ReduceOnPlateau", """{"reduction_rate": 0.5}""", "train.lr_policy.args", "plateau_count_trigger")]
    public void BadOrMissingArgsAreReportedAtTheirPath(string name, string args, string path, string message)
    {
        var (component, problems) = ConfigBinding.Create(ComponentKind.LrPolicy, Types, name, args, "config_train.json", "train.lr_policy");
        Assert.That(component, Is.Null);
        var problem = problems.Items.Single();
        Assert.That(problem.JsonPath, Is.EqualTo(path));
        Assert.That(problem.Message, Does.Contain(message));
    }
}
