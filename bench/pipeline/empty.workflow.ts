/** The ceiling's workload: a workflow that does nothing with its input, so only the server's cost is measured. */
export async function benchEmpty(_input: unknown): Promise<void> {}
