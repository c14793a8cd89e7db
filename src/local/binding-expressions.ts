// Resolves %APP_SETTING% binding expressions in trigger and binding values the way the Functions host does.

/**
 * Replaces every `%NAME%` with `readSetting(NAME)`, scanning left to right; resolved values are not re-scanned.
 * Like the host's name resolver, a lone `%` or a setting that is not defined is an error, while a setting
 * defined as the empty string resolves to "".
 */
export function resolveBindingExpression(value: string, readSetting: (name: string) => string | undefined): string {
  let result = '';
  let cursor = 0;
  while (cursor < value.length) {
    const start = value.indexOf('%', cursor);
    if (start < 0) {
      result += value.slice(cursor);
      break;
    }
    const end = value.indexOf('%', start + 1);
    if (end < 0) {
      throw new Error(`Binding value "${value}": the '%' at position ${start} has no closing '%'`);
    }
    const name = value.slice(start + 1, end);
    const setting = readSetting(name);
    if (setting === undefined) {
      throw new Error(`Binding value "${value}": app setting '${name}' (referenced as %${name}%) is not defined`);
    }
    result += value.slice(cursor, start) + setting;
    cursor = end + 1;
  }
  return result;
}
