/** A configuration Andon refuses to start with; the message names every problem. */
export class ErpConfigError extends Error {
  constructor(problems: string[]) {
    super(`invalid ERP configuration:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'ErpConfigError';
  }
}
