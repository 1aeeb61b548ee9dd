/** Whether an error (a Node.js system error, a library's) carries this machine-readable `code`. */
export function isCode(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;
}
