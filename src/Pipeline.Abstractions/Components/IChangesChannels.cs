namespace Pipeline.Components;

/// <summary>A transform that changes the channel count of the fields it writes, so the channels of a data-list image are not the network's input channels.</summary>
public interface IChangesChannels;
