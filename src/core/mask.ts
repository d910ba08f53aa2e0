// Secrets never reach output: every value shown passes through one of these.

/** `AKIAIOSFODNN7EXAMPLE` -> `AKIA…MPLE`. Short values are hidden entirely. */
export function maskKeyId(value: string): string {
  const v = value.trim();
  if (v.length < 12) return '…';
  return `${v.slice(0, 4)}…${v.slice(-4)}`;
}

/** Secrets and tokens: only their length is ever shown. */
export function maskSecret(value: string): string {
  return `<${value.length} chars hidden>`;
}

/**
 * Messages from the SDK, STS-compatible endpoints and child processes are not trusted to be
 * free of secrets: a failing credential_process echoes its command line and stderr, a proxy or
 * emulator may echo the request. Keep the first line, drop Node's "Command failed: <cmd>"
 * text, mask access key ids and hide anything long and key- or token-shaped.
 */
export function redact(message: string): string {
  let text = (message.split(/\r?\n/)[0] ?? '').trim();
  if (/^Command failed:/i.test(text)) return 'the credential_process command failed (its output is not shown: it may hold secrets)';
  text = text.replace(/\b(A[A-Z]{3})[A-Z0-9]{12,}([A-Z0-9]{4})\b/g, '$1…$2');
  text = text.replace(/[A-Za-z0-9/+=_-]{30,}/g, '<hidden>');
  // Control characters would let a hostile endpoint rewrite the terminal.
  text = text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}
