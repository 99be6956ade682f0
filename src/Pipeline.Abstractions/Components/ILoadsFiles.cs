namespace Pipeline.Components;

/// <summary>A transform that loads the files its fields name, so every data-list item must give those fields as file paths.</summary>
public interface ILoadsFiles;
