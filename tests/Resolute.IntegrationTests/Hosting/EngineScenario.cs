using Xunit.Abstractions;

namespace Resolute.IntegrationTests.Hosting;

/// <summary>
/// Base of the engine scenarios: the class's <typeparamref name="TCluster"/> (an xunit class fixture, shared by the
/// class's tests) and the cluster's process output routed into the running test's output.
/// </summary>
public abstract class EngineScenario<TCluster> : IDisposable
    where TCluster : EngineCluster
{
    /// <summary>Attaches the cluster's output to this test.</summary>
    protected EngineScenario(TCluster cluster, ITestOutputHelper output)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        Cluster = cluster;
        Output = output;
        cluster.Log.Attach(output);
    }

    /// <summary>The cluster of this test class.</summary>
    protected TCluster Cluster { get; }

    /// <summary>This test's output.</summary>
    protected ITestOutputHelper Output { get; }

    /// <inheritdoc />
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Detaches the cluster's output from this test.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            Cluster.Log.Detach();
        }
    }
}
