/** Maps label names to class indices with messages that name the label, where it came from and the list. */
import { InputError } from '../shared/errors.js';
import { nearest } from '../shared/nearestName.js';

/** A lookup from class name to index; throws on duplicate names (the config should prevent them). */
export function classIndex(classNames: string[]): Map<string, number> {
  const index = new Map<string, number>();
  classNames.forEach((name, i) => {
    if (!index.has(name)) index.set(name, i);
  });
  return index;
}

/** Formats the class list for a message, shortened when long. */
export function formatClassList(classNames: string[]): string {
  const shown = classNames.slice(0, 20).map((n) => `'${n}'`);
  const more = classNames.length > 20 ? `, ... (${classNames.length} classes)` : '';
  return `[${shown.join(', ')}${more}]`;
}

/** The InputError for a label that is not a class: `what` says where it came from ("folder x/"). */
export function unknownLabelError(
  label: string,
  what: string,
  classNames: string[],
  where: string,
): InputError {
  // Only a close class is offered: the nearest of ['0'..'9'] to a stray folder '12' is no help.
  const suggestion = nearest(label, classNames);
  const didYouMean = suggestion !== undefined ? ` Did you mean '${suggestion}'?` : '';
  return new InputError(
    `label '${label}' (${what}) is not in the class list ${formatClassList(classNames)}`,
    {
      code: 'E_TEST_SET_INVALID',
      where,
      hint: `fix the label or add the class to 'classes' in the config (same order as the model's outputs).${didYouMean}`,
    },
  );
}
