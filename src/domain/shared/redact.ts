// Redaction: values of secret-looking variables never reach a stored record, even if a runbook prints its env.

const SECRET_NAME = /(SECRET|TOKEN|PASSWORD|PASSWD|KEY|HEADER|CREDENTIAL|CONNECTION)/i;
// Short values would match ordinary text and hide nothing worth hiding.
const MIN_SECRET_LENGTH = 8;

/** The variables whose values must not appear in output, longest first so overlapping values redact fully. */
export function findSecretValues(env: Readonly<Record<string, string>>): { name: string; value: string }[] {
  return Object.entries(env)
    .filter(([name, value]) => SECRET_NAME.test(name) && value.length >= MIN_SECRET_LENGTH)
    .map(([name, value]) => ({ name, value }))
    .sort((a, b) => b.value.length - a.value.length);
}

export function redact(text: string, secrets: readonly { name: string; value: string }[]): string {
  let out = text;
  for (const { name, value } of secrets) out = out.split(value).join(`[redacted ${name}]`);
  return out;
}
