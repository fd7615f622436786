// Quartz schedulers are named per process; hosts in this assembly run one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
