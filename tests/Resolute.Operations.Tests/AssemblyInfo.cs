// The image build runs dotnet publish and the distributed scenario starts four processes: on the 2-core CI machines
// one test class at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
