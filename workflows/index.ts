// Entry point of the workflow bundle: every workflow type the worker runs.
export { caseWorkflow } from './case/workflow.js';
export type { CaseOutcome, CaseWorkflowInput } from './case/state.js';
export { webhookDeliveryWorkflow } from './webhooks/delivery.js';
