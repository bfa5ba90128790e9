// One Azurite per run and a memory-bound upload test: run test classes one after another.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
