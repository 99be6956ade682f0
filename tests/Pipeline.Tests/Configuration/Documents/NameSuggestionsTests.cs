using NUnit.Framework;
using Pipeline.Configuration;

namespace Pipeline.Tests.Configuration.Documents;

public sealed class NameSuggestionsTests
{
    private static readonly string[] Transforms = ["ScaleIntensityRange", "ScaleByResolution", "LoadNifti", "CropFixedSizeRandomCenter", "AddExtremePointsChannel"];

    [Test]
    public void SuggestsCloseNamesIgnoringCase() =>
        Assert.That(NameSuggestions.Suggest("scaleintensityrnage", Transforms), Is.EqualTo(new[] { "ScaleIntensityRange" }));

    [Test]
    public void TranspositionCountsAsOneEdit() =>
        Assert.That(NameSuggestions.Distance("lodanifti", "loadnifti"), Is.EqualTo(1));

    [Test]
    public void SuggestsTheFullNameForAPrefix() =>
        Assert.That(NameSuggestions.Suggest("ScaleIntensity", Transforms), Does.Contain("ScaleIntensityRange"));

    [Test]
    public void NothingCloseGivesNoSuggestion()
    {
        Assert.That(NameSuggestions.Suggest("Zzzzzz", Transforms), Is.Empty);
        Assert.That(NameSuggestions.DidYouMean("Zzzzzz", Transforms), Is.Null);
    }

    [Test]
    public void AtMostThreeOfTheClosest()
    {
        Assert.That(NameSuggestions.Suggest("abcd", ["abce", "abcf", "abcg", "abch", "abcd1", "xbcd"]), Has.Count.EqualTo(3));
        Assert.That(NameSuggestions.Suggest("epoch", ["num_training_epoch_per_valid", "epochs", "train"]), Is.EqualTo(new[] { "epochs" }));
    }

    [Test]
    public void FormatsOneOrSeveral()
    {
        Assert.That(NameSuggestions.DidYouMean("LoadNift", Transforms), Is.EqualTo("did you mean LoadNifti?"));
        Assert.That(NameSuggestions.DidYouMean("epoch", ["epochs", "epochz"]), Is.EqualTo("did you mean epochs or epochz?"));
    }

    [Test]
    public void ShortNamesAreNotMatchedToEverything() =>
        Assert.That(NameSuggestions.Suggest("lr", ["ab", "lr_policy", "loss"]), Is.Empty);
}
