// The engine scenarios start whole clusters of processes and some measure wall-clock time (parallel steps must
// overlap): on the 2-core CI machines they run one test class at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
