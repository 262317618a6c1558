using System.Runtime.CompilerServices;
using Resolute.Persistence.EntityFrameworkCore.Outbox;

namespace Resolute.Persistence.EntityFrameworkCore.Tests.Support;

/// <summary>
/// Test shorthand for fault injection into the outbox: <c>ConfigureOutbox(o =&gt; o.FaultHook = context =&gt; …)</c> keeps a
/// hook with the options, and <see cref="FaultHookObserver"/> (registered as the <see cref="IOutboxObserver"/> by the test
/// hosts) calls the hook of the options the container resolved. Production code knows only <see cref="IOutboxObserver"/>.
/// </summary>
internal static class OutboxFaultHooks
{
    private static readonly ConditionalWeakTable<ResoluteOutboxOptions, Func<OutboxObservation, Task>> Hooks = [];

    extension(ResoluteOutboxOptions options)
    {
        /// <summary>Called at every outbox point; a throw injects a fault there.</summary>
        public Func<OutboxObservation, Task>? FaultHook
        {
            get => Hooks.TryGetValue(options, out var hook) ? hook : null;
            set
            {
                if (value is null)
                {
                    Hooks.Remove(options);
                }
                else
                {
                    Hooks.AddOrUpdate(options, value);
                }
            }
        }
    }
}

/// <summary>Calls the <see cref="OutboxFaultHooks"/> hook of the resolved <see cref="ResoluteOutboxOptions"/>, if any.</summary>
internal sealed class FaultHookObserver(ResoluteOutboxOptions options) : IOutboxObserver
{
    public Task ObserveAsync(OutboxObservation observation) => options.FaultHook?.Invoke(observation) ?? Task.CompletedTask;
}
