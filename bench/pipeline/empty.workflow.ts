/** The ceiling's workload: a workflow that does nothing, so only the server's cost is measured. */
export async function benchEmpty(): Promise<void> {}
