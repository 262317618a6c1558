namespace Resolute;

/// <summary>
/// A <see cref="FlowState"/> read failed: the key is missing, or holds a value of another type, or the stored JSON
/// does not read as the requested type. The message names the key, the expected type and the keys present.
/// </summary>
public sealed class FlowStateException : Exception
{
    /// <summary>Creates the exception.</summary>
    public FlowStateException(string key, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Key = key;
    }

    /// <summary>The key that was read.</summary>
    public string Key { get; }
}
