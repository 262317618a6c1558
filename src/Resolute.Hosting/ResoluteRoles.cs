namespace Resolute;

/// <summary>What a process does. A typical deployment is one binary with the roles switched by configuration.</summary>
[Flags]
public enum ResoluteRoles
{
    /// <summary>Neither: a client-only process (it can start and query runs).</summary>
    None = 0,

    /// <summary>Hosts the FlowRunStateMachine saga, the run-query endpoint and the timer poller.</summary>
    Orchestrator = 1,

    /// <summary>Runs node functions from task queues.</summary>
    Worker = 2,

    /// <summary>Both roles in one process (the default, and the embedded mode).</summary>
    All = Orchestrator | Worker,
}
