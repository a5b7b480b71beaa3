// The worker's workflow bundle entry: every workflow type it runs.
export { ingestRemittance } from './ingest-remittance.workflow';
export { claimLifecycle } from './claim-lifecycle.workflow';
export { databaseBackup } from './backup.workflow';
