namespace Berth.Core.Networking;

/// <summary>The daemon's network settings: the bridge a network gets when its request names none (--bridge).</summary>
public sealed record NetworkDefaults(string Bridge);
