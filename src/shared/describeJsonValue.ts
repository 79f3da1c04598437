/**
 * A stored JSON value, shortly, for messages about a damaged state or report: "nothing", "an array
 * of 12", "an object", or the value itself cut to `maxChars` characters.
 */
export function describeJsonValue(
  value: unknown,
  words: { missing?: string; maxChars?: number } = {},
): string {
  const { missing = 'nothing', maxChars = 40 } = words;
  if (value === undefined) return missing;
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'object' && value !== null) return 'an object';
  const json = JSON.stringify(value);
  return json.length > maxChars ? `${json.slice(0, maxChars - 1)}…` : json;
}
