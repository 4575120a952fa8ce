"""What a task or workflow asks for, shared by the v1 and v2 APIs: cache, resources, image,
secrets, schedules and triggers, durations and timeouts, carried metadata (labels, annotations,
pod templates, ...) and the v2 environment settings. Plain values, validated where they are built;
nothing here runs a task."""
