// Secrets never reach output: every value shown passes through one of these.

/** `AKIAY7QZ3M4NB2XK5TRW` -> `AKIA…5TRW`. Short values are hidden entirely. */
export function maskKeyId(value: string): string {
  const v = value.trim();
  if (v.length < 12) return '…';
  return `${v.slice(0, 4)}…${v.slice(-4)}`;
}

/** Secrets and tokens: only their length is ever shown. */
export function maskSecret(value: string): string {
  return `<${value.length} chars hidden>`;
}
