/**
 * What the workflow needs from the outside world, one module per port in ports/: Slack, the providers,
 * the store, the audit file, the secret vault and the clock plug in here.
 */
export * from './ports/audit-sink.ts';
export * from './ports/clock.ts';
export * from './ports/directory.ts';
export * from './ports/notifier.ts';
export * from './ports/provider.ts';
export * from './ports/secret-vault.ts';
export * from './ports/store.ts';
