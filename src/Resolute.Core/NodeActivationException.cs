namespace Resolute;

/// <summary>
/// A class-based node (<see cref="INode{TIn, TOut}"/>) could not be created from the attempt's services — typically a
/// constructor parameter whose service is not registered. The worker fails the attempt with the error type
/// <c>Resolute.NodeActivationFailed</c> and does not retry it: the registration is missing on that worker.
/// </summary>
public sealed class NodeActivationException : Exception
{
    /// <summary>Creates the exception for node <paramref name="nodeName"/> whose class <paramref name="nodeType"/> could not be created.</summary>
    public NodeActivationException(string nodeName, Type nodeType, Exception innerException)
        : base(Describe(nodeName, nodeType, innerException), innerException)
    {
        NodeName = nodeName;
        NodeType = nodeType;
    }

    /// <summary>The node's name.</summary>
    public string NodeName { get; }

    /// <summary>The class that could not be created.</summary>
    public Type NodeType { get; }

    private static string Describe(string nodeName, Type nodeType, Exception innerException)
    {
        ArgumentNullException.ThrowIfNull(nodeName);
        ArgumentNullException.ThrowIfNull(nodeType);
        ArgumentNullException.ThrowIfNull(innerException);
        return $"Node '{nodeName}' could not create its class {nodeType.FullName} from the attempt's services: {innerException.Message} " +
               "Register the missing service with the worker's IServiceCollection (the node class itself need not be registered).";
    }
}
