namespace Resolute;

/// <summary>A Resolute setting has a value that is not allowed. The message names the key, the value and what is allowed.</summary>
public sealed class ResoluteConfigurationException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public ResoluteConfigurationException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public ResoluteConfigurationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public ResoluteConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for <paramref name="key"/>.</summary>
    public ResoluteConfigurationException(string key, string message, Exception? innerException = null)
        : base($"{key}: {message}", innerException)
    {
        Key = key;
    }

    /// <summary>The configuration key (e.g. <c>Resolute:Roles</c>), when one is at fault.</summary>
    public string? Key { get; }
}
